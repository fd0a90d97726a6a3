"""Exports of named children: scoped, masked, watermarked with who and when, audited by the caller."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tongyou.core import disclosure
from tongyou.core.scoping import scoped
from tongyou.datahub.services.filters import ChildFilter
from tongyou.privacy.masking import mask_id_number, mask_name

from ..models import Child

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def export_children_xlsx(
    user: User, queryset: QuerySet[Any] | None = None, full_names: bool = False
) -> tuple:
    """(bytes, row count) of an .xlsx list of the children the user may export. Names are masked
    as on the screen unless the exporter asked for full names (with a reason, audited)."""
    children = scoped(queryset if queryset is not None else Child.objects.all(), user, "export")
    children = children.select_related("residence_region")
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    watermark = _("Exported by %(user)s (%(role)s) at %(time)s. Personal data: do not pass on.") % {
        "user": user.get_username(),
        "role": user.get_role_display(),
        "time": stamp,
    }
    book = Workbook()
    sheet = book.active
    sheet.title = _("Children")
    sheet.append([watermark])
    sheet["A1"].font = Font(bold=True, color="C92A2A")
    sheet.append(
        [
            _("Name") if full_names else _("Name (masked)"),
            _("Sex"),
            _("Birth date"),
            _("ID number (masked)"),
            _("Ethnicity"),
            _("Residence"),
        ]
    )
    count = 0
    for child in children.iterator(chunk_size=2000):
        sheet.append(
            [
                child.name if full_names else mask_name(child.name),
                child.get_sex_display(),
                child.birth_date.isoformat(),
                mask_id_number(child.id_number),
                child.get_ethnicity_display(),
                child.residence_region.name,
            ]
        )
        count += 1
    sheet.oddFooter.center.text = watermark
    book.properties.creator = user.get_username()
    book.properties.description = watermark
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count


def pivot_xlsx(pivot: Any, user: User, title: str, filters: ChildFilter) -> bytes:
    """A statistics table as .xlsx, hidden cells kept hidden, with who, when and which filters."""
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    book = Workbook()
    sheet = book.active
    sheet.title = _("Statistics")
    sheet.append([str(title)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([_("Exported by %(user)s at %(time)s.") % {"user": user.get_username(), "time": stamp}])
    sheet.append([_("Filters: %(filters)s") % {"filters": filters or "—"}])
    if pivot.suppressed:
        sheet.append([disclosure.note()])
    sheet.append(["", *[str(pivot.col_labels.get(c, c)) for c in pivot.cols], _("Total")])
    for row in pivot.table():
        sheet.append([str(row["label"]), *[_shown(n) for n in row["cells"]], _shown(row["total"])])
    sheet.append(
        [_("Total"), *[_shown(pivot.col_total(c)) for c in pivot.cols], _shown(pivot.grand_total_shown)]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _shown(value: Any) -> str:
    return "<5" if value is None else value
