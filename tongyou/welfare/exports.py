"""Welfare's spreadsheets for other offices: the payment list for finance, the ledgers for civil
affairs. Names and ID numbers are masked; the views audit each export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tongyou.core.exports import workbook_bytes
from tongyou.privacy.masking import mask_id_number, mask_name

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.welfare.models import DisbursementRun


def payment_list(run: DisbursementRun, user: User) -> bytes:
    """The month's payment list, with a total row."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{run.month:%Y-%m}"
    sheet.append(
        [
            _("Payment list for %(month)s, prepared by %(user)s at %(time)s.")
            % {
                "month": f"{run.month:%Y-%m}",
                "user": user.get_username(),
                "time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            }
        ]
    )
    sheet.append([_("Payee"), _("Child"), _("ID number (masked)"), _("Category"), _("Amount (yuan)")])
    payments = list(run.payments.select_related("application__child"))
    for p in payments:
        child = p.application.child
        sheet.append(
            [
                p.application.applicant_name,
                mask_name(child.name),
                mask_id_number(child.id_number),
                p.application.get_category_display(),
                float(p.amount),
            ]
        )
    sheet.append(
        [
            _("Total"),
            _("%(n)d payments") % {"n": len(payments)},
            "",
            "",
            float(sum(p.amount for p in payments)),
        ]
    )
    return workbook_bytes(book)


def quarterly_ledger(
    user: User,
    year: int,
    quarter: int,
    rows: Sequence[Any],
    by_category: Any,
    by_street: Any,
    start: dt.date,
    as_of: dt.date,
) -> bytes:
    """The quarterly ledger (季度台账): rows by category, Chinese headers, totals per category and
    per street, set to print on A4 landscape."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}Q{quarter}"
    sheet.append(
        [
            _("Ledger of children in the registers, %(year)s quarter %(quarter)s (%(start)s to %(end)s)")
            % {"year": year, "quarter": quarter, "start": start, "end": as_of}
        ]
    )
    sheet.append(
        [
            _("Exported by %(user)s at %(time)s.")
            % {"user": user.get_username(), "time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
        ]
    )
    headers = [
        "序号",
        "类别",
        "儿童姓名",
        "身份证号码",
        "监护人",
        "联系电话",
        "街道（镇）",
        "社区（村）",
        "补贴标准（元/月）",
        "发放期间",
        "最近走访",
        "风险等级",
        "本季度变化",
        "走访超期",
    ]
    sheet.append(headers)
    for number, r in enumerate(rows, start=1):
        sheet.append(
            [
                number,
                r.category,
                mask_name(r.child.name),
                mask_id_number(r.child.id_number),
                r.guardian,
                r.guardian_phone,
                r.street,
                r.community,
                r.allowance,
                r.period,
                r.last_visit.isoformat() if r.last_visit else "",
                r.risk,
                "；".join(str(c) for c in r.changes),
                "是" if r.overdue else "",
            ]
        )
    sheet.append([])
    sheet.append(["按类别合计"])
    for category, count in by_category.items():
        sheet.append(["", category, count])
    sheet.append(["", "合计", len(rows)])
    sheet.append([])
    sheet.append(["按街道（镇）合计"])
    for street, count in by_street.items():
        sheet.append(["", street, count])
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "3:3"
    for letter, width in zip(
        "ABCDEFGHIJKLMN", (6, 14, 10, 22, 10, 14, 14, 16, 10, 18, 12, 8, 36, 8), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(book)


def ledger(user: User, rows: Iterable[Any], today: dt.date) -> bytes:
    """Every child in the registers today, masked, with the last visit."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ledger")
    sheet.append(
        [
            _("Ledger of children in the registers, %(day)s, exported by %(user)s.")
            % {"day": today.isoformat(), "user": user.get_username()}
        ]
    )
    sheet.append([_("Name"), _("ID number (masked)"), _("Residence"), _("Last visit"), _("Overdue")])
    for r in rows:
        region = r["child"].residence_region
        sheet.append(
            [
                r["name"],
                r["id_number"],
                f"{region.parent.name} {region.name}",
                r["last_visit"].isoformat() if r["last_visit"] else "",
                _("yes") if r["overdue"] else "",
            ]
        )
    return workbook_bytes(book)
