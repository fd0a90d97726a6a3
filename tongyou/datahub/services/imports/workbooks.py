"""Excel files handed to departments: the template for each source and the problem report."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .sources import SOURCES

if TYPE_CHECKING:
    from tongyou.datahub.models import ImportBatch

TEMPLATE_SHEET = "数据"

TEXT_ROWS = 2000  # rows pre-formatted as text, so Excel keeps ID numbers whole


def template_xlsx(source_code: Any) -> bytes:
    spec = SOURCES[source_code]
    book = Workbook()
    sheet = book.active
    sheet.title = TEMPLATE_SHEET
    sheet.append([c.header for c in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="D9480F" if column.required else "FFE8CC")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.header) * 2 + 4)
        if column.kind in ("id", "region", "text"):
            for row in range(2, TEXT_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("Instructions"))
    notes.append([_("Column"), _("Required"), _("How to fill it in")])
    for column in spec.columns:
        notes.append([column.header, _("yes") if column.required else _("no"), column.help])
    notes.append([])
    notes.append([_("Fill in the first sheet only, one child per row, and keep the header row.")])
    notes.append([_("Dates: 2015-03-02 (2015/3/2, 2015.3.2 and 2015年3月2日 are also read).")])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["C"].width = 60
    return _save(book)


def report_xlsx(batch: ImportBatch) -> bytes:
    """The rows with problems, as uploaded, with every problem named; for fixing and re-uploading."""
    data = json.loads(batch.report or "{}")
    book = Workbook()
    sheet = book.active
    sheet.title = _("Problems")
    sheet.append([_("Problems in %(file)s (batch #%(id)d)") % {"file": batch.filename, "id": batch.pk}])
    sheet["A1"].font = Font(bold=True)
    if data.get("file_error"):
        sheet.append([data["file_error"]])
    rows = data.get("rows", [])
    several = len({entry.get("sheet", "") for entry in rows}) > 1
    sheet.append([*([_("Sheet")] if several else []), _("Row"), _("Problems"), *data.get("headers", [])])
    labels = {"error": "", "warning": _("(warning) "), "confirm": _("(confirm) ")}
    for entry in rows:
        problems = "；".join(
            f"{labels.get(severity, '')}{column}：{message}"
            for column, message, severity in entry["problems"]
        )
        sheet.append(
            [*([entry.get("sheet", "")] if several else []), entry["row"], problems, *entry["values"]]
        )
    sheet.column_dimensions["B"].width = 70
    return _save(book)


def _save(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
