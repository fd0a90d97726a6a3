"""Resident identity numbers (居民身份证号码, GB 11643-1999), checked with python-stdnum.

`validate_id_number` returns the normalised number or raises ValidationError
whose message names the fault: length, characters, check digit (with the one
expected), birth date or region code.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

COMPACT = re.compile(r"^\d{17}[\dX]$")


@lru_cache(maxsize=100_000)
def _place_valid(code: str, year: int) -> bool:
    """Whether a region code was a county's in a birth year, per stdnum (its costly lookup:
    cached by code and year, which a district's children share far more than a birth date)."""
    body = f"{code}{year:04d}0101000"
    try:
        return ric.is_valid(body + ric.calc_check_digit(body + "0"))
    except Exception:  # stdnum raises KeyError for some region codes it half knows (150140)
        return False


def _components_valid(prefix: str) -> bool:
    """Whether a region code and birth date (the first 14 digits) are valid, as stdnum decides:
    a real date, and a code in use in that year."""
    try:
        datetime.date(int(prefix[6:10]), int(prefix[10:12]), int(prefix[12:14]))
    except ValueError:
        return False
    return _place_valid(prefix[:6], int(prefix[6:10]))


def _fast_valid(number: str) -> bool:
    """True when an already-compact number passes stdnum's checks, without its per-call cleaning."""
    return (
        COMPACT.match(number) is not None
        and number[-1] == ric.calc_check_digit(number)
        and _components_valid(number[:14])
    )


def validate_id_number(value: Any, today: datetime.date | None = None) -> str:
    if value is None or not str(value).strip():
        raise ValidationError(_("The ID number is empty."), code="empty")
    text = str(value).strip().upper()
    # Already compact (the common case in bulk imports): skip stdnum's character cleaning.
    number = text if COMPACT.match(text) else ric.compact(text)
    try:
        if not _fast_valid(number):
            ric.validate(number)
    except InvalidLength:
        raise ValidationError(
            _("The ID number has %(length)d characters; it must have 18.") % {"length": len(number)},
            code="length",
        ) from None
    except InvalidFormat:
        raise ValidationError(
            _("The ID number may contain only digits, with X allowed as the last character."), code="format"
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit of the ID number is %(found)s but should be %(expected)s.")
            % {"found": number[-1], "expected": ric.calc_check_digit(number)},
            code="checksum",
        ) from None
    except Exception:  # InvalidComponent, or a lookup error inside stdnum for a code it half knows
        try:
            ric.get_birth_date(number)
        except Exception:
            raise ValidationError(
                _("The birth date %(date)s in the ID number is not a real date.") % {"date": number[6:14]},
                code="birth_date",
            ) from None
        raise ValidationError(
            _("The region code %(code)s in the ID number is not a valid GB/T 2260 code for the birth year.")
            % {"code": number[:6]},
            code="region",
        ) from None
    birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    if birth_date > (today or timezone.localdate()):
        raise ValidationError(
            _("The birth date %(date)s in the ID number is in the future.") % {"date": number[6:14]},
            code="birth_date",
        )
    return number


def birth_date_of(number: str) -> datetime.date:
    """The birth date of a validated, compact number."""
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex_of(number: str) -> str:
    """'M' or 'F' from the sequence digit (odd for men)."""
    return "M" if int(number[16]) % 2 else "F"


def make_id_number(region_code: str, birth_date: datetime.date, sequence: int) -> str:
    """A valid number from its parts (used by the synthetic district; `sequence` is 0-999)."""
    body = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function skips the last character
