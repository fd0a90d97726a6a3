"""Turning the cells departments actually send into clean values, or a fault that names itself.

Each parser returns (value, warnings) or raises CellError with a message for the person who
will fix the file. What is unambiguous is accepted (full-width digits, a lower-case x,
2015.3.2, 2015年3月2日, Excel date serials); what is not is refused with the reason.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tongyou.privacy.idnumbers import birth_date_of, sex_of, validate_id_number

EXCEL_EPOCH = datetime.date(1899, 12, 30)
SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
ISO_LIKE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
CHINESE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class CellError(ValueError):
    pass


def normalise_text(value):
    """Full-width characters to half-width, surrounding spaces gone. Returns (text, was_full_width)."""
    if value is None:
        return "", False
    text = str(value).strip()
    if text.isascii() or unicodedata.is_normalized("NFKC", text):  # most cells: nothing to fold
        return text, False
    folded = unicodedata.normalize("NFKC", text).strip()
    return folded, folded != text and any(ord(c) > 0xFF00 for c in text)


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def parse_id_number(value, today=None):
    warnings = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(
            _(
                "Excel turned this ID number into a number (%(value)s), which loses its last digits. "
                "Format the column as text and type the number again."
            )
            % {"value": f"{value:.5E}" if isinstance(value, float) else value}
        )
    text, full_width = normalise_text(value)
    text = text.replace(" ", "")
    if SCIENTIFIC.match(text):
        raise CellError(
            _(
                "Excel turned this ID number into a number (%(value)s), which loses its last digits. "
                "Format the column as text and type the number again."
            )
            % {"value": text}
        )
    if full_width:
        warnings.append(_("Full-width characters in the ID number were read as ordinary digits."))
    if text.endswith("x"):
        warnings.append(_("The lower-case x at the end of the ID number was read as X."))
    try:
        number = validate_id_number(text, today=today)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None
    return number, warnings


def parse_date(value):
    """A date from a date cell, an Excel serial, YYYYMMDD, 2015-03-02, 2015/3/2, 2015.3.2 or
    2015年3月2日. Day-first or two-digit-year forms are refused as ambiguous."""
    if isinstance(value, datetime.datetime):
        return value.date(), []
    if isinstance(value, datetime.date):
        return value, []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return _ymd(*COMPACT_DATE.match(str(int(value))).groups(), raw=value), []
        if float(value).is_integer() and 1 <= value <= 80000:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value)), [
                _("The date was an Excel serial number (%(value)s) and was read as a date.")
                % {"value": int(value)}
            ]
        raise CellError(_("'%(value)s' is not a date.") % {"value": value})
    text, _full = normalise_text(value)
    for pattern in (ISO_LIKE, CHINESE_DATE, COMPACT_DATE):
        match = pattern.match(text)
        if match:
            return _ymd(*match.groups(), raw=text), []
    raise CellError(
        _("The date '%(value)s' is ambiguous or not recognised; write it as 2015-03-02.") % {"value": text}
    )


def _ymd(year, month, day, raw):
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(_("The date '%(value)s' does not exist.") % {"value": raw}) from None


def parse_choice(value, mapping, what):
    """Map a cell to a code through `mapping` (keys already normalised), or name the choices."""
    text, _full = normalise_text(value)
    key = text.replace(" ", "")
    if key in mapping:
        return mapping[key], []
    raise CellError(
        _("'%(value)s' is not a valid %(what)s; use one of: %(choices)s.")
        % {"value": text, "what": what, "choices": "、".join(sorted({k for k in mapping if not k.isascii()}))}
    )


def check_against_id(id_number, birth_date=None, sex=None):
    """(column key, fault) wherever the row contradicts its own ID number."""
    faults = []
    if birth_date and birth_date != birth_date_of(id_number):
        faults.append(
            (
                "birth_date",
                _("The birth date %(given)s disagrees with the ID number, which says %(id)s.")
                % {"given": birth_date.isoformat(), "id": birth_date_of(id_number).isoformat()},
            )
        )
    if sex and {"1": "M", "2": "F"}[sex] != sex_of(id_number):
        faults.append(("sex", _("The sex disagrees with the ID number.")))
    return faults
