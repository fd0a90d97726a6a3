import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongyou.core.workdays import add_working_days, is_provisional, is_working_day, working_days_between


def test_a_deadline_across_national_day_counts_the_make_up_saturday():
    # 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are working days.
    assert add_working_days(datetime.date(2025, 9, 26), 10) == datetime.date(2025, 10, 16)
    assert is_working_day(datetime.date(2025, 10, 11)) and not is_working_day(datetime.date(2025, 10, 6))


def test_spring_festival_is_skipped_and_its_make_up_saturday_counted():
    # 2026: Saturday 14 February is a working day, 15-23 February are off.
    assert add_working_days(datetime.date(2026, 2, 13), 1) == datetime.date(2026, 2, 14)
    assert add_working_days(datetime.date(2026, 2, 14), 1) == datetime.date(2026, 2, 24)


@pytest.mark.django_db  # an administrator may have entered the year's holiday notice
def test_years_not_yet_published_fall_back_to_weekdays_and_say_so():
    day = datetime.date(2030, 1, 7)  # a Monday
    assert is_provisional(day) and is_working_day(day)
    assert not is_working_day(datetime.date(2030, 1, 5))


@given(start=st.dates(datetime.date(2020, 1, 1), datetime.date(2026, 6, 1)), n=st.integers(0, 40))
def test_counting_back_gives_the_same_number(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert n == 0 or is_working_day(end)
