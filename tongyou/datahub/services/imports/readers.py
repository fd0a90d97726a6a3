"""Reading .xlsx, .xls and CSV (UTF-8 or GBK/GB18030) into a header and rows of cell values."""

import csv
import io

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from .cleaning import is_blank

TEMPLATE_SHEET = "数据"


class FileError(ValueError):
    pass


def decode_text(content: bytes):
    """(text, encoding): UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding), "GBK/GB18030" if encoding == "gb18030" else "UTF-8"
        except UnicodeDecodeError:
            continue
    raise FileError(_("The file's text encoding was not recognised; save it as UTF-8 or GBK."))


def _workbook_rows(content):
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = book.sheet_names
        sheet = book.get_sheet_by_name(TEMPLATE_SHEET if TEMPLATE_SHEET in names else names[0])
        # Rows before the sheet's first used row are not returned: keep spreadsheet numbering.
        offset = sheet.start[0] if sheet.start else 0
        return ((offset + n, row) for n, row in enumerate(sheet.iter_rows(), start=1))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise FileError(_("The spreadsheet could not be opened: %(reason)s") % {"reason": exc}) from None


def read_table(filename, content):
    """(headers, iterator of (row number, [values])): read lazily, numbered as the spreadsheet
    shows them, blank rows skipped."""
    lower = filename.lower()
    if lower.endswith((".xlsx", ".xls", ".xlsm")):
        rows = _workbook_rows(content)
    elif lower.endswith(".csv"):
        text, _encoding = decode_text(content)
        rows = enumerate(csv.reader(io.StringIO(text)), start=1)
    else:
        raise FileError(_("Upload an .xlsx, .xls or .csv file."))
    numbered = ((n, list(r)) for n, r in rows if not all(is_blank(v) for v in r))
    first = next(numbered, None)
    if first is None:
        raise FileError(_("The file is empty."))
    headers = [str(h).strip() if h is not None else "" for h in first[1]]
    return headers, numbered
