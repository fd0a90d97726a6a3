"""Working days (工作日) under China's official holiday calendar, make-up working days (调休)
included, from the chinese-calendar package.

The State Council publishes each year's calendar late in the year before; for a year the
installed package does not cover yet, Monday to Friday stands in and `is_provisional()` says
so. Keeping the package current is an operations task (docs/architecture.md).
"""

import datetime

import chinese_calendar


def is_provisional(day):
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return True
    return False


def is_working_day(day):
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start, days):
    """The day on which `days` working days after `start` have passed (start itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start, end):
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
