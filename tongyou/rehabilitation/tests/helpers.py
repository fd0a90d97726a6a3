import datetime

from django.utils import timezone

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.datahub.models import Disability
from tongyou.regions.models import Region
from tongyou.rehabilitation import institutions
from tongyou.rehabilitation.models import AidKind, Category
from tongyou.tests.factories import ChildFactory, UserFactory

HERE = "150104001001"  # a community
THERE = "150104002001"  # a community of another street


def today():
    return timezone.localdate()


def user(role, area=HERE, unit=None):
    return UserFactory(
        role=role,
        jurisdiction=Region.objects.get(code=area.ljust(12, "0")),
        unit=Unit.objects.get(code=unit) if unit else None,
    )


def federation(area="150104"):
    return user(Role.UNIT_OFFICER, area, unit="cl")


def health(area="150104"):
    return user(Role.UNIT_OFFICER, area, unit="wjw")


def child(years=5, community=HERE, disability="4", **kwargs):
    """A child `years` old (and a month) in a grid of `community`, with a current disability
    certificate of GB/T 26341 type `disability` (None: none)."""
    grid = Region.objects.filter(path__contains=f"/{community}/", level=Region.Level.GRID).first()
    birth = today().replace(year=today().year - years) - datetime.timedelta(days=31)
    made = ChildFactory(residence_region=grid, birth_date=birth, **kwargs)
    if disability:
        Disability.objects.create(
            child=made,
            unit=Unit.objects.get(code="cl"),
            disability_type=disability,
            grade="2",
            valid_from=birth + datetime.timedelta(days=200),
        )
    return made


def institution(officer, capacity=10, categories=(Category.PHYSICAL, Category.AUTISM), name="康复中心"):
    return institutions.save_institution(
        officer,
        name=name,
        region=Region.objects.get(code="150104000000"),
        categories=list(categories),
        aid_kinds=[AidKind.TRAINING, AidKind.DEVICE],
        capacity=capacity,
        designated_until=today() + datetime.timedelta(days=365),
    )
