"""Indicator values in and out: CSV and Excel out; an Excel template in (the DHIS2 exchange is
`dhis2.py`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from tongyou.core.errors import Refusal
from tongyou.core.spreadsheets import read_table
from tongyou.core.spreadsheets.cells import normalise_text
from tongyou.regions.models import Region

from . import values
from .models import Indicator

if TYPE_CHECKING:
    from tongyou.accounts.models import Unit, User
    from tongyou.monitoring.models import ProgressReport

COLUMNS = ["指标编码", "期间", "区划代码", "分子", "分母", "数值", "说明"]


def _number(value: Any) -> str:
    return f"{value.normalize():f}" if value is not None else ""


def rows(queryset: QuerySet[Any]) -> Generator[list[Any], Any, None]:
    for v in queryset.select_related("indicator", "region").order_by(
        "indicator__code", "period", "region__code"
    ):
        yield [
            v.indicator.code,
            v.period,
            v.region.code,
            _number(v.numerator),
            _number(v.denominator),
            _number(v.value),
            v.note,
            v.indicator.name,
            v.region.name,
            v.get_source_display(),
            v.get_state_display(),
        ]


EXPORT_HEADER = [*COLUMNS, "指标名称", "区划名称", "来源", "状态"]


def as_csv(queryset: QuerySet[Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(rows(queryset))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(queryset: QuerySet[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "指标数据"
    sheet.append(EXPORT_HEADER)
    for row in rows(queryset):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template(unit: Unit, period: str) -> bytes:
    """The Excel template for the reported indicators a unit owns, one row per indicator."""
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(COLUMNS)
    district = Region.objects.get(level=Region.Level.DISTRICT)
    for indicator in Indicator.objects.filter(source_units=unit, calculator="").order_by("code"):
        sheet.append([indicator.code, period, district.code, None, None, None, ""])
    notes = book.create_sheet("说明")
    notes.append(["编码", "指标", "分子", "分母", "单位"])
    for indicator in Indicator.objects.filter(source_units=unit, calculator="").order_by("code"):
        notes.append(
            [indicator.code, indicator.name, indicator.numerator, indicator.denominator, indicator.unit]
        )
    check = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    check.error = "请填写不小于0的数字"
    sheet.add_data_validation(check)
    check.add("D2:F500")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _decimal(cell: str, label: Any, errors: Any, where: Any) -> Decimal | None:
    text, _full_width = normalise_text(cell)
    if text == "":
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        errors.append(
            _("%(where)s: the %(what)s '%(value)s' is not a number.")
            % {"where": where, "what": label, "value": text}
        )
        return None


def read_upload(filename: str, content: bytes) -> tuple:
    """(column positions, numbered rows) of a filled template, read by the sandboxed reader
    (header found below any title rows). Raises FileError with the reason."""
    match, rows, _warnings = read_table(filename, content, {c: (c,) for c in COLUMNS}, required=COLUMNS[:6])
    return match.positions, rows


@transaction.atomic
def import_rows(report: ProgressReport, user: User, positions: Any, numbered_rows: Any) -> list:
    """Record the values of a filled template against `report`, all or nothing. `positions`
    maps column names to their index in a row. Returns the values saved; raises
    Refusal with one message per fault, naming row and column."""
    missing = [c for c in COLUMNS[:6] if c not in positions]
    if missing:
        raise Refusal([_("The file lacks the columns %(columns)s.") % {"columns": "、".join(missing)}])
    at = positions
    width = max(at.values()) + 1
    errors: list = []
    saved: list = []
    for number, cells in numbered_rows:
        cells = list(cells) + [None] * (width - len(cells))
        where = _("Row %(row)s") % {"row": number}
        code = normalise_text(cells[at["指标编码"]])[0].upper()
        period = normalise_text(cells[at["期间"]])[0]
        region_code = normalise_text(cells[at["区划代码"]])[0]
        numerator = _decimal(cells[at["分子"]], _("numerator"), errors, where)
        denominator = _decimal(cells[at["分母"]], _("denominator"), errors, where)
        value = _decimal(cells[at["数值"]], _("value"), errors, where)
        note = normalise_text(cells[at["说明"]])[0] if "说明" in at else ""
        if numerator is None and denominator is None and value is None:
            continue  # a template row the unit left empty
        indicator = Indicator.objects.filter(code=code).first()
        region = Region.objects.filter(code=region_code).first()
        if indicator is None:
            errors.append(
                _("%(where)s: there is no indicator %(code)s.") % {"where": where, "code": code or "—"}
            )
            continue
        if region is None:
            errors.append(
                _("%(where)s: there is no region %(code)s.") % {"where": where, "code": region_code or "—"}
            )
            continue
        if period != report.round.period:
            errors.append(
                _("%(where)s: the period %(period)s is not this report's (%(expected)s).")
                % {"where": where, "period": period or "—", "expected": report.round.period}
            )
            continue
        try:
            saved.append(
                values.report_value(report, user, indicator, region, numerator, denominator, value, note)
            )
        except Refusal as exc:
            errors.extend(f"{where}（{code}）：{e}" for e in exc.errors)
    if errors:
        raise Refusal(errors)  # leaving the atomic block undoes the rows already saved
    return saved
