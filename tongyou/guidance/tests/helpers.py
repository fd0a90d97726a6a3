import datetime

from django.utils import timezone

from tongyou.accounts.models import Unit
from tongyou.datahub.models import Household
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory, UserFactory

HERE = "150104001001"
THERE = "150104002001"


def today():
    return timezone.localdate()


def user(role, area=HERE, unit=None):
    return UserFactory(
        role=role,
        jurisdiction=Region.objects.get(code=area.ljust(12, "0")),
        unit=Unit.objects.get(code=unit) if unit else None,
    )


def family(community=HERE, children=1, ages=(7,), **kwargs):
    """A household in a grid of `community` with children of `ages`."""
    grid = Region.objects.filter(path__contains=f"/{community}/", level=Region.Level.GRID).first()
    household = Household.objects.create(region=grid, address="玉泉区小召前街1号院2单元301")
    for years in ages[:children] if children else ():
        ChildFactory(
            residence_region=grid,
            household=household,
            birth_date=today().replace(year=today().year - years) - datetime.timedelta(days=15),
            **kwargs,
        )
    return household
