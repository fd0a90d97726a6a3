import datetime

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.reading.models import Milestone, PickupPoint
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory, UserFactory

TODAY = datetime.date(2026, 11, 30)
HERE = "150104001001"  # a community
THERE = "150104002001"  # a community of another street


def milestones():
    """The four packs the district gives in the demo: at birth, 1–2, 3–4, 5–6."""
    return [
        Milestone.objects.create(name=name, age_from_months=lo, age_to_months=hi)
        for name, lo, hi in (
            ("出生礼包", 0, 12),
            ("1–2岁礼包", 12, 36),
            ("3–4岁礼包", 36, 60),
            ("5–6岁礼包", 60, 84),
        )
    ]


def born(months_old, community=HERE, **kwargs):
    """A child `months_old` months (and ten days) old on TODAY, living in a grid of `community`."""
    from tongyou.reading.entitlements import months_before

    grid = Region.objects.filter(path__contains=f"/{community}/", level=Region.Level.GRID).first()
    birth = months_before(TODAY, months_old) - datetime.timedelta(days=10)
    return ChildFactory(residence_region=grid, birth_date=birth, **kwargs)


def user(role, area=HERE, **kwargs):
    return UserFactory(role=role, jurisdiction=Region.objects.get(code=area.ljust(12, "0")), **kwargs)


def point(area=HERE, kind=PickupPoint.Kind.COMMUNITY, name="社区服务站"):
    return PickupPoint.objects.create(
        name=name, kind=kind, region=Region.objects.get(code=area.ljust(12, "0"))
    )


def health_officer():
    return user(Role.UNIT_OFFICER, "150104", unit=Unit.objects.get(code="wjw"))
