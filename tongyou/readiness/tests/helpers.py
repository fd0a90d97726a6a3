import datetime

from django.utils import timezone

from tongyou.accounts.models import Unit
from tongyou.datahub.codes import ChildStatus
from tongyou.datahub.models import StatusPeriod
from tongyou.readiness.models import CHECKLIST
from tongyou.regions.models import Region
from tongyou.spaces.models import Facility, FacilityKind
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


def child(years=8, community=HERE, status=ChildStatus.ORPHAN, **kwargs):
    grid = Region.objects.filter(path__contains=f"/{community}/", level=Region.Level.GRID).first()
    birth = today().replace(year=today().year - years) - datetime.timedelta(days=20)
    made = ChildFactory(residence_region=grid, birth_date=birth, **kwargs)
    if status:
        StatusPeriod.objects.create(
            child=made,
            unit=Unit.objects.get(code="mzj"),
            status=status,
            valid_from=birth + datetime.timedelta(days=30),
        )
    return made


def answers(**risks):
    return {code: risks.get(code, "ok") for code, _label in CHECKLIST}


def facility(kind=FacilityKind.PRIMARY, community=HERE, name="示范小学"):
    return Facility.objects.create(
        name=name,
        kind=kind,
        region=Region.objects.get(code=community),
        latitude=40.8,
        longitude=111.65,
    )
