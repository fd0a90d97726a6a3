import datetime

from django.utils import timezone

from tongyou.accounts.roles import Role
from tongyou.privacy.idnumbers import make_id_number
from tongyou.regions.models import Region
from tongyou.tests.factories import UserFactory

HERE, THERE = "150104001001", "150104002001"


def area(code=HERE):
    return Region.objects.get(code=code.ljust(12, "0"))


def user(role=Role.CHILD_DIRECTOR, code=HERE, **kwargs):
    return UserFactory(role=role, jurisdiction=area(code), **kwargs)


_sequence = iter(range(2, 998, 2))


def id_number(years_old, today=None):
    today = today or timezone.localdate()
    birth = today.replace(year=today.year - years_old) - datetime.timedelta(days=20)
    return make_id_number("110101", birth, next(_sequence))  # valid for every birth year


def at(days, hour=9):
    """An aware datetime `days` from today at `hour` o'clock."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))
