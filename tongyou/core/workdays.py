"""Working days (工作日) under China's official holiday calendar, make-up working days (调休)
included, from the chinese-calendar package.

The State Council publishes each year's calendar late in the year before. For a year the
installed package does not cover, an administrator enters the notice (`HolidayNotice`: days off
and make-up working days); until then Monday to Friday stands in, `is_provisional()` says so,
and pages and exports mark such deadlines as provisional.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

import chinese_calendar

_notices: dict[int, tuple] = {}  # year → ((days off, make-up working days) or None, read at); cleared on save
NOTICE_TTL = 60  # seconds: a save another process made (or a rolled-back one) is seen within a minute


def parse_days(text: str) -> set:
    """Dates from lines of 2027-02-06 or 2027-02-06~2027-02-13 (also with 至 or a dash pair).
    Raises ValueError naming the line that is not one."""
    days = set()
    for line in (text or "").splitlines():
        line = line.strip().replace("至", "~").replace("—", "~").replace("～", "~")
        if not line:
            continue
        try:
            first, _sep, last = line.partition("~")
            start = datetime.date.fromisoformat(first.strip())
            end = datetime.date.fromisoformat(last.strip()) if last.strip() else start
        except ValueError:
            raise ValueError(line) from None
        if end < start or (end - start).days > 31:
            raise ValueError(line)
        days |= {start + datetime.timedelta(days=n) for n in range((end - start).days + 1)}
    return days


def _notice(year: int) -> Any:
    cached = _notices.get(year)
    if cached is None or time.monotonic() - cached[1] > NOTICE_TTL:
        from .models import HolidayNotice  # models import nothing of this module

        notice = HolidayNotice.objects.filter(year=year).first()
        days = (parse_days(notice.holidays), parse_days(notice.working_weekends)) if notice else None
        cached = _notices[year] = (days, time.monotonic())
    return cached[0]


def notices_changed(**_kwargs: Any) -> None:
    _notices.clear()


def _package_covers(day: datetime.date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_provisional(day: datetime.date) -> bool:
    """True when neither the package nor an entered notice covers the day's year."""
    return not _package_covers(day) and _notice(day.year) is None


def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        notice = _notice(day.year)
        if notice is None:
            return day.weekday() < 5
        days_off, working = notice
        return day in working or (day.weekday() < 5 and day not in days_off)


def provisional_deadline(start: datetime.date | None, due: datetime.date | None) -> bool:
    """Whether a deadline counted from `start` to `due` crosses a day no calendar covers yet."""
    if due is None:
        return False
    years = range((start or due).year, due.year + 1)
    return any(is_provisional(datetime.date(year, 6, 1)) for year in years)


def add_working_days(start: datetime.date, days: Any) -> Any:
    """The day on which `days` working days after `start` have passed (start itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: Any) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
