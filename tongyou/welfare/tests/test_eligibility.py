"""The caseworker sees which identification criteria the data meets, misses or contradicts."""

import datetime

import pytest

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.datahub.codes import ChildStatus, GuardianRelationship
from tongyou.datahub.models import Disability, StatusPeriod
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory, EvidenceFactory, GuardianFactory
from tongyou.welfare.eligibility import CONTRADICTED, MET, MISSING, assess
from tongyou.welfare.models import Category, EvidenceKind, ParentSituation
from tongyou.welfare.workflow import file_application, transition

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture
def director(make_user):
    return make_user(Role.CHILD_DIRECTOR, "150104001001")


@pytest.fixture
def child(region):
    return ChildFactory(residence_region=region("150104001001001"), birth_date=datetime.date(2016, 4, 1))


def states(application):
    return {str(f.criterion): f.state for f in assess(application, TODAY)}


def attach(application, *kinds):
    for kind in kinds:
        EvidenceFactory(application=application, kind=kind, uploaded_by=application.filed_by)


def status(child, value, unit="mzj"):
    StatusPeriod.objects.create(
        child=child, unit=Unit.objects.get(code=unit), status=value, valid_from=datetime.date(2025, 1, 1)
    )


def test_an_orphan_with_both_death_certificates_meets_every_parent_criterion(child, director):
    app = file_application(
        child,
        Category.ORPHAN,
        "外祖母",
        director,
        father_situation=ParentSituation.DEAD,
        mother_situation=ParentSituation.DECLARED_MISSING,
    )
    assert states(app)["父亲情况"] == MISSING  # no certificate yet
    attach(
        app, EvidenceKind.DEATH_CERTIFICATE, EvidenceKind.COURT_DECLARATION, EvidenceKind.HOUSEHOLD_REGISTER
    )
    status(child, ChildStatus.ORPHAN)
    found = states(app)
    assert found["父亲情况"] == found["母亲情况"] == MET
    assert found["未满18周岁"] == found["亲子关系证明"] == found["部门登记情况"] == MET


def test_a_parent_listed_as_guardian_contradicts_a_claimed_death(child, director):
    GuardianFactory(child=child, relationship=GuardianRelationship.FATHER)
    app = file_application(child, Category.ORPHAN, "外祖母", director, father_situation=ParentSituation.DEAD)
    assert states(app)["父亲情况"] == CONTRADICTED
    detail = next(f.detail for f in assess(app, TODAY) if str(f.criterion) == "父亲情况")
    assert "数据中心登记父亲为儿童的监护人" in detail  # the parent named, not "this parent"


@pytest.mark.parametrize(
    ("father", "mother", "expected"),
    [
        (ParentSituation.DEPRIVED_OF_LIBERTY, ParentSituation.DEAD, MET),
        (ParentSituation.SEVERE_DISABILITY, ParentSituation.LOST_CONTACT, MET),
        (ParentSituation.DEAD, ParentSituation.DEAD, CONTRADICTED),  # an orphan
        (ParentSituation.ABLE, ParentSituation.DEAD, CONTRADICTED),
        ("", ParentSituation.DEAD, MISSING),
    ],
)
def test_de_facto_unsupported_needs_both_parents_in_a_listed_situation(
    child, director, father, mother, expected
):
    app = file_application(
        child, Category.UNSUPPORTED, "祖母", director, father_situation=father, mother_situation=mother
    )
    assert states(app)["父母双方均符合情形，或一方死亡/失踪且另一方符合情形"] == expected


def test_tekun_support_contradicts_the_de_facto_unsupported_subsidy(child, director):
    status(child, ChildStatus.EXTREMELY_POOR)
    app = file_application(child, Category.UNSUPPORTED, "祖母", director)
    assert states(app)["未纳入特困供养"] == CONTRADICTED


def test_left_behind_needs_a_village_registration_and_an_age_under_16(region, make_user):
    village = Region.objects.filter(kind=Region.Kind.VILLAGE).select_related("parent").first()
    rural = ChildFactory(
        residence_region=village, household_region=village, birth_date=datetime.date(2015, 1, 1)
    )
    user = make_user(Role.CASEWORKER)
    app = file_application(
        rural,
        Category.LEFT_BEHIND,
        "祖父",
        user,
        father_situation=ParentSituation.AWAY_FOR_WORK,
        mother_situation=ParentSituation.SERIOUS_ILLNESS,
    )
    found = states(app)
    assert found["户籍在村（农村户籍）"] == MET
    assert found["未满16周岁"] == MET
    assert found["父母双方外出务工，或一方外出务工、另一方无监护能力"] == MET
    urban = ChildFactory(
        residence_region=region("150104001001001"),
        household_region=region("150104001001"),
        birth_date=datetime.date(2009, 1, 1),
    )
    found = states(file_application(urban, Category.LEFT_BEHIND, "祖父", user))
    assert found["户籍在村（农村户籍）"] == CONTRADICTED
    assert found["未满16周岁"] == CONTRADICTED


def test_disability_and_dibao_are_read_from_the_departments_records(child, director):
    app = file_application(child, Category.DIFFICULTY_DISABILITY, "母亲", director)
    assert states(app)["经认定的残疾"] == MISSING
    Disability.objects.create(
        child=child,
        unit=Unit.objects.get(code="cl"),
        disability_type="4",
        grade="2",
        valid_from=datetime.date(2024, 1, 1),
    )
    assert states(app)["经认定的残疾"] == MET
    poor = file_application(child, Category.LOW_INCOME, "母亲", director)
    assert states(poor)["低保或特困供养"] == MISSING
    status(child, ChildStatus.LOW_INCOME)
    assert states(poor)["低保或特困供养"] == MET


def test_a_second_allowance_for_the_same_child_is_flagged(child, director):
    file_application(child, Category.ORPHAN, "外祖母", director)
    second = file_application(child, Category.UNSUPPORTED, "外祖母", director)
    assert states(second)["无其他申请或补贴"] == CONTRADICTED


def test_approving_over_a_contradiction_needs_a_reason(child, director, make_user):
    status(child, ChildStatus.EXTREMELY_POOR)
    app = file_application(child, Category.UNSUPPORTED, "祖母", director)
    transition(app, "submit", director)
    transition(app, "town_approve", make_user(Role.STREET_OFFICER, "150104001000"))
    district = make_user(Role.CASEWORKER)
    with pytest.raises(Refusal, match="未纳入特困供养"):
        transition(app, "county_approve", district)
    transition(app, "county_approve", district, reason="特困供养已于本月终止，待民政数据更新")
    assert app.status == "approved"
