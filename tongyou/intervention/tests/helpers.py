import datetime

from django.utils import timezone

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.datahub.codes import InstitutionKind, Ownership
from tongyou.datahub.models import Enrolment
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory, UserFactory

HERE = "150104001001"
THERE = "150104002001"


def today():
    return timezone.localdate()


def school_unit(name="玉泉区第一中学"):
    return Unit.objects.get_or_create(
        code=f"school-{abs(hash(name)) % 10_000}", defaults={"name": name, "kind": Unit.Kind.SCHOOL}
    )[0]


def user(role, area="150104", unit=None):
    return UserFactory(
        role=role,
        jurisdiction=Region.objects.get(code=area.ljust(12, "0")),
        unit=unit if isinstance(unit, Unit) or unit is None else Unit.objects.get(code=unit),
    )


def police(area="150104001"):
    return user(Role.POLICE, area)


def procurator(area="150104"):
    return user(Role.UNIT_OFFICER, area, unit="jcy")


def teacher(school):
    return user(Role.UNIT_OFFICER, "150104", unit=school)


def teenager(years=14, community=HERE, school=None, **kwargs):
    grid = Region.objects.filter(path__contains=f"/{community}/", level=Region.Level.GRID).first()
    birth = today().replace(year=today().year - years) - datetime.timedelta(days=40)
    child = ChildFactory(residence_region=grid, birth_date=birth, **kwargs)
    if school is not None:
        Enrolment.objects.create(
            child=child,
            unit=Unit.objects.get(code="jyj"),
            institution=school.name,
            institution_kind=InstitutionKind.JUNIOR,
            ownership=Ownership.PUBLIC,
            valid_from=today() - datetime.timedelta(days=300),
        )
    return child
