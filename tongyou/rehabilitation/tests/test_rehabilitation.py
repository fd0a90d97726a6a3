"""Rehabilitation assistance: the register from certificates and screenings, an application from
the guardian's request to settled months, and coverage through disclosure control."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongyou.accounts.roles import Role
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.workflow import StaleState
from tongyou.rehabilitation import assistance, coverage, register
from tongyou.rehabilitation.models import (
    AidKind,
    Application,
    Category,
    Registration,
    ServiceMonth,
    Status,
)

from .helpers import HERE, THERE, child, federation, health, institution, today, user

pytestmark = pytest.mark.django_db


def _registration(kid):
    register.sync(today())
    return Registration.objects.get(child=kid)


def _file(kid, director=None, aid=AidKind.TRAINING):
    director = director or user(Role.CHILD_DIRECTOR)
    return assistance.file(director, _registration(kid), aid, "王监护", "13800000000", guardian_signed=True)


def test_the_register_takes_every_child_with_a_current_certificate_once_per_kind():
    physical, autistic, grown = child(4, disability="4"), child(8, disability="6"), child(19, disability="1")
    healthy = child(3, disability=None)
    assert register.sync(today()) == 2
    assert register.sync(today()) == 0  # a second run adds nothing
    kinds = dict(Registration.objects.values_list("child_id", "category"))
    assert kinds == {physical.pk: Category.PHYSICAL, autistic.pk: Category.OTHER}
    assert grown.pk not in kinds and healthy.pk not in kinds  # adults and children without one


def test_health_refers_a_child_found_at_a_screening_by_full_id_number_only_in_its_area():
    officer = health()
    baby = child(1, disability=None)
    found = register.child_for_id_number(officer, baby.id_number)
    registration = register.refer(officer, found, Category.HEARING, today(), "新生儿听力筛查未通过")
    assert (registration.source, registration.referred_by) == (Registration.Source.SCREENING, officer)
    with pytest.raises(Refusal, match="已在"):
        register.refer(officer, found, Category.HEARING, today())
    assert register.child_for_id_number(officer, baby.id_number[:-2]) is None  # exact numbers only
    street_health = health("150104002")
    assert register.child_for_id_number(street_health, baby.id_number) is None  # outside its area
    with pytest.raises(Refusal, match="未来"):
        register.refer(officer, found, Category.VISUAL, today() + datetime.timedelta(days=1))


def test_units_other_than_health_cannot_refer_and_no_one_but_the_federation_assesses():
    baby = child(1, disability=None)
    education = user(Role.UNIT_OFFICER, "150104", unit="jyj")
    assert register.child_for_id_number(education, baby.id_number) is None
    with pytest.raises(PermissionDenied):
        register.refer(education, baby, Category.HEARING, today())
    registration = _registration(child(3, disability="6"))
    with pytest.raises(PermissionDenied):
        register.assess(user(Role.CHILD_DIRECTOR), registration, Category.AUTISM, True)
    register.assess(federation(), registration, Category.AUTISM, True)
    assert Registration.objects.get(pk=registration.pk).category == Category.AUTISM


def test_an_application_needs_the_guardians_signature_an_assessed_kind_and_is_filed_once():
    director = user(Role.CHILD_DIRECTOR)
    kid = child(4)
    registration = _registration(kid)
    with pytest.raises(Refusal, match="监护人"):
        assistance.file(director, registration, AidKind.TRAINING, "王监护", guardian_signed=False)
    application = assistance.file(director, registration, AidKind.TRAINING, "王监护", guardian_signed=True)
    assert application.status == Status.SUBMITTED and application.step_due > today()
    with pytest.raises(Refusal, match="已有"):
        assistance.file(director, registration, AidKind.TRAINING, "王监护", guardian_signed=True)
    unassessed = _registration(child(6, disability="7"))
    with pytest.raises(Refusal, match="评定"):
        assistance.file(director, unassessed, AidKind.TRAINING, "李监护", guardian_signed=True)
    with pytest.raises(PermissionDenied):  # a director of another community
        assistance.file(
            user(Role.CHILD_DIRECTOR, THERE), registration, AidKind.DEVICE, "王", guardian_signed=True
        )


def test_the_federation_approves_into_an_institution_that_serves_the_child_and_has_a_place():
    officer = federation()
    blind = _file(child(5, disability="1"))
    centre = institution(officer, capacity=1)
    with pytest.raises(Refusal, match="不提供"):  # serves physical and autism only
        assistance.transition(blind, "approve", officer, institution=centre)
    first, second = _file(child(5)), _file(child(6))
    assistance.transition(first, "approve", officer, institution=centre)
    with pytest.raises(Refusal, match="名额"):
        assistance.transition(second, "approve", officer, institution=centre)
    assert Application.objects.get(pk=second.pk).status == Status.SUBMITTED


def test_only_the_federation_reviews_and_a_second_reviewer_on_a_stale_page_is_told():
    officer = federation()
    centre = institution(officer)
    application = _file(child(5))
    with pytest.raises(Refusal):  # the director may not take the federation's step
        assistance.transition(application, "approve", user(Role.CHILD_DIRECTOR), institution=centre)
    with pytest.raises(PermissionDenied):  # nor may another unit
        assistance.transition(application, "approve", health(), institution=centre)
    assistance.transition(application, "return", officer, "缺少诊断证明", seen=Status.SUBMITTED)
    with pytest.raises(StaleState):
        assistance.transition(application, "reject", officer, "不符合", seen=Status.SUBMITTED)
    assistance.transition(application, "resubmit", user(Role.CHILD_DIRECTOR))
    assistance.transition(application, "approve", officer, institution=centre)
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.institution == centre
    assert [e.action for e in application.events.all()] == ["file", "return", "resubmit", "approve"]


def _approved(officer, years=5, approved_on=None):
    application = _file(child(years))
    centre = institution(officer, name=f"中心{application.pk}")
    on = approved_on or today().replace(day=1) - datetime.timedelta(days=70)
    return assistance.transition(application, "approve", officer, institution=centre, on=on)


def test_a_month_is_recorded_once_within_the_assistance_and_settled_within_the_standard():
    officer = federation()
    application = _approved(officer)
    first = application.approved_on.replace(day=1)
    with pytest.raises(Refusal, match="开始"):
        assistance.record_month(officer, application, first - datetime.timedelta(days=1), 10, "100")
    with pytest.raises(Refusal, match="尚未到来"):
        assistance.record_month(officer, application, today() + datetime.timedelta(days=40), 10, "100")
    month = assistance.record_month(officer, application, first, 12, "3000")
    with pytest.raises(Refusal, match="已记录"):
        assistance.record_month(officer, application, first, 12, "3000")
    with pytest.raises(Refusal, match="标准"):  # no standard set for the year yet
        assistance.settle(officer, month)
    assistance.set_standard(officer, first.year, AidKind.TRAINING, "4000")
    assert assistance.settle(officer, month).settled == Decimal("3000.00")
    with pytest.raises(Refusal, match="已由"):
        assistance.settle(officer, ServiceMonth.objects.get(pk=month.pk))
    second_month = (first + datetime.timedelta(days=32)).replace(day=1)
    if second_month.year == first.year:
        again = assistance.record_month(officer, application, second_month, 12, "3000")
        assert assistance.settle(officer, again).settled == Decimal("1000.00")  # what the year leaves


@pytest.mark.parametrize("typed", ["abc", "-5", "1e9", "NaN", "Infinity", "1.001", "100000.01", ""])
def test_an_amount_that_is_not_yuan_and_fen_is_refused_in_chinese(typed):
    with pytest.raises(Refusal, match="元"):
        assistance.money(typed)


def test_only_the_federation_records_and_settles_months():
    officer = federation()
    application = _approved(officer)
    for outsider in (user(Role.CHILD_DIRECTOR), health(), user(Role.COORDINATOR, "150104")):
        with pytest.raises(PermissionDenied):
            assistance.record_month(outsider, application, application.approved_on, 1, "1")


def test_coverage_counts_assisted_children_0_to_10_against_those_registered_and_protects_it():
    officer = federation()
    assisted = [_approved(officer, years).child for years in (3, 6)]
    waiting = _file(child(9)).child
    child(12)  # past the priority ages: not counted
    _file(child(4, community=THERE), user(Role.CHILD_DIRECTOR, THERE))
    office = user(Role.CASEWORKER, "150104")  # reads records: exact figures
    table = coverage.coverage(office, today().year)
    row = next(cells for area, cells in table.rows if area.code == "150104001000")
    physical = dict(zip([key for key, _ in table.columns], row, strict=True))[Category.PHYSICAL]
    assert (physical.registered, physical.assisted) == (3, 2)
    researcher = user(Role.RESEARCHER, "150104")
    protected = coverage.coverage(researcher, today().year)
    assert protected.protected
    row = next(cells for area, cells in protected.rows if area.code == "150104001000")
    cell = dict(zip([key for key, _ in protected.columns], row, strict=True))[Category.PHYSICAL]
    policy = disclosure.Policy.for_user(researcher)
    # Differencing: each figure is the disclosure module's answer for the very set behind it.
    everyone = [c.pk for c in assisted] + [waiting.pk]
    assert cell.registered == disclosure.persons(disclosure.Signature.of(everyone), policy)
    assert cell.assisted == disclosure.persons(disclosure.Signature.of(c.pk for c in assisted), policy)


def test_the_rp05_calculator_counts_the_same_children():
    from tongyou.regions.tree import RegionTree
    from tongyou.rehabilitation.indicators import rehab_assistance

    officer = federation()
    _approved(officer, 3)
    _file(child(5))
    numerators, denominators = rehab_assistance(today(), RegionTree())
    district = next(k for k, v in denominators.items() if v == max(denominators.values()))
    assert (numerators[district], denominators[district]) == (1, 2)


def test_a_filer_is_told_when_the_federation_decides_and_the_federation_when_one_is_filed(
    django_capture_on_commit_callbacks,
):
    from tongyou.core.models import Notification

    officer = federation()
    director = user(Role.CHILD_DIRECTOR, HERE)
    with django_capture_on_commit_callbacks(execute=True):
        application = _file(child(5), director)
    assert Notification.objects.filter(recipient=officer).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assistance.transition(application, "return", officer, "缺少材料")
    message = Notification.objects.get(recipient=director).message
    assert "退回" in message and "王" not in message  # no names in messages


def test_a_community_director_sees_the_community_as_the_one_row_never_a_streets_name():
    director = user(Role.CHILD_DIRECTOR)
    _file(child(5), director)
    child(6, community="150104001002")  # same street, another community
    register.sync(today())
    table = coverage.coverage(director, today().year)
    assert [area.code for area, _cells in table.rows] == [HERE]
    total = dict(zip([key for key, _ in table.columns], table.rows[0][1], strict=True))[""]
    assert total.registered == 1


def test_the_annual_report_gets_the_schemes_things_exactly_and_its_children_protected():
    from tongyou.rehabilitation.indicators import task_facts

    officer = federation()
    application = _approved(officer, 4)
    assistance.set_standard(officer, application.approved_on.year, AidKind.TRAINING, "5000")
    month = assistance.record_month(officer, application, application.approved_on, 10, "1500")
    assistance.settle(officer, month)
    facts = task_facts(application.approved_on.year)
    assert "结算康复服务1人月、1,500.00元" in facts[0]
    shown = disclosure.persons(disclosure.Signature.of([application.child_id]), disclosure.PROTECTED)
    assert ("不足5" if shown is None else f"约{shown}人") in facts[1]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    standard=st.integers(min_value=1, max_value=20_000),
    bills=st.lists(
        st.tuples(st.integers(min_value=0, max_value=11), st.integers(min_value=0, max_value=9_000)),
        min_size=1,
        max_size=14,
    ),
)
def test_settlement_never_pays_past_the_standard_nor_more_than_billed_nor_twice(standard, bills):
    """Months recorded and settled in any order, some twice: per child and year the district pays
    at most its standard, each month at most what was billed, and each month once."""
    officer = federation()
    year = today().year
    application = _approved(officer, 4, approved_on=datetime.date(year, 1, 1))
    assistance.set_standard(officer, year, AidKind.TRAINING, str(standard))
    for offset, amount in bills:
        month = datetime.date(year, offset + 1, 1)
        try:
            service = assistance.record_month(officer, application, month, 8, str(amount))
        except Refusal:  # already recorded, or still to come
            service = ServiceMonth.objects.filter(application=application, month=month).first()
        if service is None:
            continue
        with contextlib.suppress(Refusal):  # already settled
            assistance.settle(officer, ServiceMonth.objects.get(pk=service.pk))
    months = list(ServiceMonth.objects.filter(application=application, settled__isnull=False))
    assert sum(m.settled for m in months) <= standard
    assert all(0 <= m.settled <= m.billed for m in months)
