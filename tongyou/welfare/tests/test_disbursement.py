"""Monthly payments: the standard in force that month, starts and stops applied by themselves,
and a month that cannot be paid twice."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.tests.factories import ChildFactory, ready_to_pay
from tongyou.welfare.disbursement import approve_run, build_run, mark_paid
from tongyou.welfare.models import AllowanceStandard, Category, Payment
from tongyou.welfare.workflow import file_application, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return {
        "director": make_user(Role.CHILD_DIRECTOR, "150104001001"),
        "street": make_user(Role.STREET_OFFICER, "150104001000"),
        "district": make_user(Role.CASEWORKER),
    }


def active(people, child, signed_on, category=Category.UNSUPPORTED):
    app = file_application(child, category, "祖母", people["director"])
    transition(app, "submit", people["director"], on=signed_on - datetime.timedelta(days=20))
    transition(app, "town_approve", people["street"], on=signed_on - datetime.timedelta(days=10))
    transition(app, "county_approve", people["district"], on=signed_on - datetime.timedelta(days=5))
    ready_to_pay(app)
    transition(app, "sign_agreement", people["district"], on=signed_on)
    return app


@pytest.fixture
def standards():
    AllowanceStandard.objects.create(
        category=Category.UNSUPPORTED,
        monthly_amount=Decimal("1500.00"),
        effective_from=datetime.date(2026, 1, 1),
    )
    AllowanceStandard.objects.create(
        category=Category.ORPHAN, monthly_amount=Decimal("1500.00"), effective_from=datetime.date(2026, 1, 1)
    )


def amounts(run):
    return {p.application_id: p.amount for p in run.payments.all()}


def test_payment_starts_the_month_after_the_agreement(people, region, standards):
    app = active(people, ChildFactory(residence_region=region("150104001001001")), datetime.date(2026, 3, 10))
    district = people["district"]
    assert amounts(build_run(datetime.date(2026, 3, 1), district)) == {}
    assert amounts(build_run(datetime.date(2026, 4, 1), district)) == {app.pk: Decimal("1500.00")}


def test_a_new_standard_changes_the_following_payment_and_not_the_past_one(people, region, standards):
    app = active(people, ChildFactory(residence_region=region("150104001001001")), datetime.date(2026, 2, 10))
    district = people["district"]
    march = mark_paid(approve_run(build_run(datetime.date(2026, 3, 1), district), district), district)
    AllowanceStandard.objects.create(
        category=Category.UNSUPPORTED,
        monthly_amount=Decimal("1650.00"),
        effective_from=datetime.date(2026, 4, 1),
    )
    assert amounts(build_run(datetime.date(2026, 4, 1), district)) == {app.pk: Decimal("1650.00")}
    assert amounts(march) == {app.pk: Decimal("1500.00")}
    with pytest.raises(Refusal, match="2026-03"):
        build_run(datetime.date(2026, 3, 1), district)


def test_turning_18_stops_payment_from_the_next_month(people, region, standards):
    child = ChildFactory(residence_region=region("150104001001001"), birth_date=datetime.date(2008, 5, 20))
    app = active(people, child, datetime.date(2026, 2, 10))
    district = people["district"]
    assert app.pk in amounts(build_run(datetime.date(2026, 5, 1), district))  # the birthday month
    assert app.pk not in amounts(build_run(datetime.date(2026, 6, 1), district))


def test_termination_stops_payment_from_the_next_month(people, region, standards):
    app = active(people, ChildFactory(residence_region=region("150104001001001")), datetime.date(2026, 2, 10))
    transition(app, "terminate", people["district"], reason="被收养", on=datetime.date(2026, 4, 15))
    district = people["district"]
    assert app.pk in amounts(build_run(datetime.date(2026, 4, 1), district))
    assert app.pk not in amounts(build_run(datetime.date(2026, 5, 1), district))


def test_a_suspended_allowance_is_not_paid_until_resumed(people, region, standards):
    app = active(people, ChildFactory(residence_region=region("150104001001001")), datetime.date(2026, 2, 10))
    district = people["district"]
    transition(app, "suspend", district, reason="父亲刑满释放，核实中", on=datetime.date(2026, 4, 20))
    assert app.pk not in amounts(build_run(datetime.date(2026, 5, 1), district))
    transition(app, "resume", district, reason="父亲重残，仍符合条件", on=datetime.date(2026, 5, 15))
    assert app.pk in amounts(build_run(datetime.date(2026, 6, 1), district))
    assert app.payment_start == datetime.date(2026, 3, 1)


def test_a_run_is_paid_once_and_only_by_the_district(people, region, standards, make_user):
    active(people, ChildFactory(residence_region=region("150104001001001")), datetime.date(2026, 2, 10))
    run = build_run(datetime.date(2026, 3, 1), people["district"])
    with pytest.raises(Refusal, match="审核"):  # a draft is not paid: it is approved first
        mark_paid(run, people["district"])
    mark_paid(approve_run(run, people["district"]), people["district"])
    with pytest.raises(Refusal, match="发放过"):
        mark_paid(run, people["district"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        build_run(datetime.date(2026, 4, 1), make_user(Role.CASEWORKER, "150104001000"))


def test_a_missing_standard_is_named(people, region):
    active(people, ChildFactory(residence_region=region("150104001001001")), datetime.date(2026, 2, 10))
    with pytest.raises(Refusal, match="事实无人抚养儿童"):
        build_run(datetime.date(2026, 3, 1), people["district"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(months=st.lists(st.integers(min_value=3, max_value=8), min_size=1, max_size=12))
def test_no_payment_is_ever_made_twice(people, region, standards, months):
    """Building and paying months in any order, repeatedly: one payment per application per month."""
    app = active(people, ChildFactory(residence_region=region("150104001001001")), datetime.date(2026, 2, 10))
    for m in months:
        month = datetime.date(2026, m, 1)
        try:
            run = build_run(month, people["district"])
            if m % 2:
                mark_paid(approve_run(run, people["district"]), people["district"])
        except Refusal:
            pass
    paid_months = list(Payment.objects.filter(application=app).values_list("run__month", flat=True))
    assert len(paid_months) == len(set(paid_months))
    assert {m.month for m in paid_months} <= set(months)
