"""Reading the cells departments actually send: clean values, or a fault that names itself.

Each parser returns (value, warnings) or raises CellError with a message for the person who
will fix the file. What is unambiguous is accepted (full-width digits, a lower-case x,
2015.3.2, 2015年3月2日, Excel date serials); what is not is refused with the reason.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric

from tongyou.privacy.idnumbers import birth_date_of, sex_of, validate_id_number

EXCEL_EPOCH = datetime.date(1899, 12, 30)
SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
ISO_LIKE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
CHINESE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class CellError(ValueError):
    pass


class Confirm(str):
    """A warning the uploader must confirm before the file can be imported (an ID number that
    may be one Excel damaged, for instance)."""


# Spaces that are not ordinary ones: no-break (Excel, web exports), ideographic (typed with a
# Chinese input method), zero-width (pasted from web pages and chat) and a stray BOM.
ODD_SPACES = re.compile("[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]")
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
NAME_DOTS = re.compile("[•．・‧∙⋅•\u00b7\u30fb\uff65.]")
CJK = re.compile(r"[\u3400-\u9fff]")
# Excel's ways to keep a number as text in a CSV: a leading apostrophe or tab, or ="…".
TEXT_WRAPPER = re.compile(r'^(?:\'|`|\t|="(.*)"$)')
TIME_PART = re.compile(r"^(.+?)(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$")
YEAR_MONTH = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})月?|(\d{2}))$")


ODD_OR_INVISIBLE = re.compile("[\u00a0\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]")
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE_ONLY = re.compile("[\\s\u200b-\u200d\u2060\ufeff]*")
NAME_MARKS = re.compile("[\\s•．・‧∙⋅\u00b7\u30fb\uff65.]")


def normalise_text(value: Any) -> tuple | tuple[str, bool]:
    """Full-width characters to half-width, odd spaces to ordinary ones, surrounding spaces gone.
    Returns (text, was_full_width). Most cells are plain: they leave after two cheap tests."""
    if value is None:
        return "", False
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed into a number cell: 1.0 is "1"
    text = str(value)
    if text.isascii():
        return text.strip(), False
    if ODD_OR_INVISIBLE.search(text):
        text = INVISIBLE.sub("", ODD_SPACES.sub(" ", text))
    text = text.strip()
    if unicodedata.is_normalized("NFKC", text):
        return text, False
    folded = unicodedata.normalize("NFKC", text).strip()
    return folded, folded != text and any(ord(c) > 0xFF00 for c in text)


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()  # str.strip() removes no-break and ideographic spaces too
    if not text:
        return True
    if text.isascii() or text[0] not in INVISIBLE_CHARS:
        return False
    return INVISIBLE_ONLY.fullmatch(text) is not None


def parse_name(value: Any) -> tuple[str, list]:
    """A person's name: spaces typed to align two-character names and odd spaces removed,
    the middle dot of minority names unified (阿依古丽·买买提)."""
    raw = str(value)
    text, _full = normalise_text(value)
    odd = not raw.isascii() and ODD_OR_INVISIBLE.search(raw)
    if not odd and not NAME_MARKS.search(text):
        if len(text) > 50:
            raise CellError(_("The name has more than 50 characters."))
        return text, []  # the common case: nothing to fix
    warnings = []
    if odd:
        warnings.append(_("Invisible or non-standard spaces in the name were removed."))
    if CJK.search(text):
        compact = re.sub(r"\s+", "", text)
        dotted = NAME_DOTS.sub("·", compact)
        if dotted != compact:
            warnings.append(_("The dot in the name was written as the standard middle dot (·)."))
        text = dotted
    else:
        text = re.sub(r"\s+", " ", text)
    if len(text) > 50:
        raise CellError(_("The name has more than 50 characters."))
    return text, warnings


def _excel_damage_message(value: Any) -> str:
    return _(
        "Excel turned this ID number into a number (%(value)s), which loses its last digits. "
        "Format the column as text and type the number again."
    ) % {"value": value}


def parse_id_number(value: Any, today: datetime.date | None = None) -> tuple:
    """An 18-digit resident ID number, or the fault named. Forms Excel and exports produce that
    keep the number whole (full-width digits, a lower-case or look-alike X, ="…" and apostrophe
    wrappers, spaces) are accepted with a warning; forms that may have lost digits are not."""
    warnings = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(_excel_damage_message(f"{value:.5E}" if isinstance(value, float) else value))
    text, full_width = normalise_text(value)
    if not full_width and len(text) == 18 and text[:17].isdigit() and (text[17].isdigit() or text[17] == "X"):
        return _checked_id_number(text, [], today)  # the common case: nothing to unwrap
    wrapper = TEXT_WRAPPER.match(text)
    if wrapper:
        text = (wrapper.group(1) if wrapper.group(1) is not None else text[1:]).strip()
        warnings.append(_('The ID number was marked as text (="…" or an apostrophe); the mark was removed.'))
    text = re.sub(r"[\s\-]", "", text)
    if SCIENTIFIC.match(text):
        raise CellError(_excel_damage_message(text))
    if full_width:
        warnings.append(_("Full-width characters in the ID number were read as ordinary digits."))
    if text[-1:] in ("x", "×", "Х", "х", "Ｘ"):
        if text[-1] != "x":
            warnings.append(_("The character at the end of the ID number looked like X and was read as X."))
        else:
            warnings.append(_("The lower-case x at the end of the ID number was read as X."))
        text = text[:-1] + "X"
    if text.isdigit() and len(text) == 15:
        raise CellError(_("This is an old 15-digit ID number; give the 18-digit number on the current card."))
    if text.isdigit() and len(text) == 17 and ric.calc_check_digit(text + "0") == "X":
        raise CellError(
            _("The ID number has 17 digits; its last character, X, seems to have been lost. Type it again.")
        )
    return _checked_id_number(text, warnings, today)


def _checked_id_number(text: str, warnings: list[str], today: datetime.date | None) -> tuple:
    try:
        number = validate_id_number(text, today=today)
    except ValidationError as exc:
        message = exc.messages[0]
        if text.endswith("000") and exc.code == "checksum":
            message += " " + _("Its last digits are 000, as when Excel rounds a long number.")
        raise CellError(message) from None
    if number.endswith("000"):
        # Excel keeps 15 significant digits: a number stored as a number ends in 000. One such
        # number in eleven still has a valid check digit, so it cannot pass on the checksum alone.
        warnings.append(
            Confirm(
                _(
                    "The ID number ends in 000, as numbers Excel has rounded do. "
                    "Check it against the ID card or household register before importing."
                )
            )
        )
    return number, warnings


class YearMonth(tuple):
    """A date given only to the month (出生年月): usable where the ID number supplies the day."""

    @property
    def year(self) -> Any:
        return self[0]

    @property
    def month(self) -> Any:
        return self[1]


def parse_date(
    value: Any, allow_month: bool = False
) -> tuple[datetime.date, list[Any]] | tuple[YearMonth, list[Any]] | tuple[datetime.date, list[str]]:
    """A date from a date cell, a timestamp, an Excel serial, YYYYMMDD, 2015-03-02, 2015/3/2,
    2015.3.2 or 2015年3月2日. Day-first or two-digit-year forms are refused as ambiguous. With
    `allow_month`, a year and month alone (2015.03, 2015年3月, 201503) come back as YearMonth."""
    if isinstance(value, datetime.datetime):
        return value.date(), _time_warning(value.time())
    if isinstance(value, datetime.date):
        return value, []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_date(value, allow_month)
    text, _full = normalise_text(value)
    warnings = []
    timed = TIME_PART.match(text)
    if timed and not YEAR_MONTH.match(text):
        text = timed.group(1).strip()
        if not re.search(r"[ T]0{1,2}:00(:00(\.0+)?)?(Z|[+-]\d{2}:?\d{2})?$", timed.group(0)):
            warnings.append(_("The time after the date was ignored."))
    for pattern in (ISO_LIKE, CHINESE_DATE, COMPACT_DATE):
        match = pattern.match(text)
        if match:
            year, month_text, day = match.groups()
            return _ymd(year, month_text, day, raw=text), warnings
    month = YEAR_MONTH.match(text)
    if month:
        year, m = int(month.group(1)), int(month.group(2) or month.group(3))
        if 1 <= m <= 12:
            if allow_month:
                return YearMonth((year, m)), warnings
            raise CellError(_("The date '%(value)s' has no day; write it as 2015-03-02.") % {"value": text})
    raise CellError(
        _("The date '%(value)s' is ambiguous or not recognised; write it as 2015-03-02.") % {"value": text}
    )


def _time_warning(time: Any) -> list:
    return [] if time == datetime.time(0, 0) else [_("The time after the date was ignored.")]


def _number_date(
    value: Any, allow_month: bool
) -> tuple[datetime.date, list[Any]] | tuple[YearMonth, list[Any]] | tuple[datetime.date, list[str]]:
    if float(value).is_integer() and 19000101 <= value <= 21001231:
        match = COMPACT_DATE.match(str(int(value)))
        if match:
            year, month_text, day = match.groups()
            return _ymd(year, month_text, day, raw=value), []
    if float(value).is_integer() and 190001 <= value <= 210012 and allow_month:
        year, month = divmod(int(value), 100)
        if 1 <= month <= 12:
            return YearMonth((year, month)), []
    if 1900 < value < 2101 and not float(value).is_integer():
        # 出生年月 typed as a number: 2015.03 is March; 2015.3 arrives as 2015.3 (March) too,
        # but 2015.1 may have been typed 2015.10: refused as ambiguous.
        year = int(value)
        hundredths = round((value - year) * 100)
        month = hundredths // 10 if hundredths % 10 == 0 else hundredths
        if hundredths == 10 or not 1 <= month <= 12:
            raise CellError(
                _("The date %(value)s is ambiguous (January or October?); write it as 2015-10-01.")
                % {"value": value}
            )
        if allow_month:
            return YearMonth((year, month)), []
        raise CellError(_("The date '%(value)s' has no day; write it as 2015-03-02.") % {"value": value})
    if 1 <= value <= 80000 and (float(value).is_integer() or value >= 10000):
        days = int(value)
        warnings = [
            _("The date was an Excel serial number (%(value)s) and was read as a date.") % {"value": days}
        ]
        if not float(value).is_integer():
            warnings.append(_("The time after the date was ignored."))
        return EXCEL_EPOCH + datetime.timedelta(days=days), warnings
    raise CellError(_("'%(value)s' is not a date.") % {"value": value})


def _ymd(year: int | str, month: int | str, day: int | str, raw: Any) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(_("The date '%(value)s' does not exist.") % {"value": raw}) from None


CODE_AS_NUMBER = re.compile(r"^(\d+)\.0+$")


def code_text(value: Any) -> tuple[str, bool]:
    """A code as text: 2.0 and "2.0" (a code a system exported from a number cell) are "2"."""
    text, full_width = normalise_text(value)
    match = CODE_AS_NUMBER.match(text)
    return (match.group(1) if match else text), full_width


def parse_choice(value: Any, mapping: Any, what: Any) -> tuple:
    """Map a cell to a code through `mapping` (keys already normalised), or name the choices."""
    text, _full = code_text(value)
    key = text.replace(" ", "")
    if key in mapping:
        code = mapping[key]
        # The plain value, not the enum member: it goes to JSON and the database as it is.
        return getattr(code, "value", code), []
    raise CellError(
        _("'%(value)s' is not a valid %(what)s; use one of: %(choices)s.")
        % {"value": text, "what": what, "choices": "、".join(sorted({k for k in mapping if not k.isascii()}))}
    )


def check_against_id(
    id_number: str, birth_date: datetime.date | YearMonth | None = None, sex: str | None = None
) -> list:
    """(column key, fault) wherever the row contradicts its own ID number."""
    faults = []
    if isinstance(birth_date, YearMonth):
        born = birth_date_of(id_number)
        if (born.year, born.month) != tuple(birth_date):
            faults.append(
                (
                    "birth_date",
                    _("The birth month %(given)s disagrees with the ID number, which says %(id)s.")
                    % {"given": f"{birth_date.year}-{birth_date.month:02d}", "id": born.isoformat()},
                )
            )
        birth_date = None
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
