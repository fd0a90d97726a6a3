import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from tongyou.privacy.idnumbers import birth_date_of, make_id_number, sex_of, validate_id_number

VALID = "15010420150302101X"


def message(value):
    with pytest.raises(ValidationError) as info, translation.override("zh-hans"):
        validate_id_number(value, today=datetime.date(2026, 11, 28))
    return info.value.messages[0], info.value.code


def test_a_valid_number_passes_and_is_normalised():
    assert validate_id_number("15010420150302101x") == VALID


def test_wrong_check_digit_names_the_expected_one():
    text, code = message("150104201503021012")
    assert code == "checksum"
    assert "校验码为 2，应为 X" in text


def test_wrong_length_says_how_long_it_is():
    text, code = message("1501042015030212")
    assert code == "length" and "16 位" in text


def test_letters_are_refused():
    assert message("1501042015A302123X")[1] == "format"


def test_impossible_birth_date_is_named():
    body = "15010420150231123"
    text, code = message(body + ric.calc_check_digit(body + "0"))
    assert code == "birth_date" and "20150231" in text


def test_unknown_region_code_is_named():
    body = "99999920150302123"
    text, code = message(body + ric.calc_check_digit(body + "0"))
    assert code == "region" and "999999" in text


def test_birth_date_in_the_future_is_refused():
    body = "15010420300302123"
    assert message(body + ric.calc_check_digit(body + "0"))[1] == "birth_date"


def test_empty_is_refused():
    assert message("  ")[1] == "empty"


@given(
    birth=st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2026, 11, 1)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_made_numbers_validate_and_keep_their_parts(birth, sequence):
    number = make_id_number("150104", birth, sequence)
    assert validate_id_number(number, today=datetime.date(2026, 11, 28)) == number
    assert birth_date_of(number) == birth
    assert sex_of(number) == ("M" if sequence % 2 else "F")


# Region codes: the district's, its city's, a code stdnum dates ([1983-…]), retired and unknown ones.
CODES = ["150104", "150102", "150100", "110101", "110103", "150140", "150199", "510122", "000000", "999999"]


@given(
    st.sampled_from(CODES),
    st.integers(1900, 2030),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 999),
)
def test_the_cached_check_agrees_with_stdnum_on_every_region_year_and_date(code, year, month, day, sequence):
    """The fast path caches the region lookup by code and year: it must decide exactly as stdnum."""
    body = f"{code}{year:04d}{month:02d}{day:02d}{sequence:03d}"
    number = body + ric.calc_check_digit(body + "0")
    try:
        ours = validate_id_number(number, today=datetime.date(2031, 1, 1)) == number
    except ValidationError:
        ours = False
    try:
        theirs = ric.is_valid(number)
    except Exception:  # stdnum's KeyError for a code it half knows: not valid
        theirs = False
    assert ours == theirs
