import datetime

import pytest
from django.utils import translation

from tongyou.core.spreadsheets.cells import CellError, parse_date, parse_id_number

TODAY = datetime.date(2026, 11, 28)
VALID = "150104201503021239"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(
    "cell",
    [
        "2015-03-02",
        "2015/03/02",
        "2015/3/2",
        "2015.3.2",
        "2015年3月2日",
        "20150302",
        "２０１５－０３－０２",
        datetime.date(2015, 3, 2),
        datetime.datetime(2015, 3, 2, 0, 0),
        20150302.0,
    ],
)
def test_unambiguous_dates_are_accepted(cell):
    assert parse_date(cell)[0] == datetime.date(2015, 3, 2)


def test_an_excel_serial_is_read_with_a_note():
    value, warnings = parse_date(42065.0)
    assert value == datetime.date(2015, 3, 2) and "42065" in warnings[0]


@pytest.mark.parametrize("cell", ["03/02/2015", "15.3.2", "2015-3", "三月二日", "2015-02-30", 1.5])
def test_ambiguous_or_impossible_dates_are_refused_by_name(cell):
    with pytest.raises(CellError) as info:
        parse_date(cell)
    assert str(cell) in str(info.value)


def test_id_mangled_by_excel_is_refused_with_the_reason():
    for cell in (1.50104201503021e17, "1.50104E+17"):
        with pytest.raises(CellError, match="Excel"):
            parse_id_number(cell, today=TODAY)


def test_lower_case_x_and_full_width_digits_are_accepted_with_warnings():
    number, warnings = parse_id_number("15010420150302101x", today=TODAY)
    assert number == "15010420150302101X" and "x" in warnings[0]
    full = "".join(chr(ord(c) + 0xFEE0) for c in VALID)
    number, warnings = parse_id_number(full, today=TODAY)
    assert number == VALID and "全角" in warnings[0]


def test_bad_checksum_is_named():
    with pytest.raises(CellError, match="校验码"):
        parse_id_number("150104201503021231", today=TODAY)
