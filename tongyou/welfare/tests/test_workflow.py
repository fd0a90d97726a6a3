"""The allowance application: steps, time limits in working days, and refusals that name why."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.core.errors import Refusal
from tongyou.tests.factories import ChildFactory, ready_to_pay
from tongyou.welfare.models import ApplicationEvent, Category, Status
from tongyou.welfare.workflow import STEPS, file_application, is_overdue, transition

pytestmark = pytest.mark.django_db
COMMUNITY, STREET = "150104001001", "150104001000"


@pytest.fixture
def people(make_user):
    return {
        "director": make_user(Role.CHILD_DIRECTOR, COMMUNITY),
        "street": make_user(Role.STREET_OFFICER, STREET),
        "district": make_user(Role.CASEWORKER),
    }


@pytest.fixture
def child(region):
    return ChildFactory(residence_region=region("150104001001001"))


def test_orphan_application_runs_to_payment_from_the_next_month(people, child):
    app = file_application(child, Category.ORPHAN, "外祖母", people["director"])
    transition(app, "submit", people["director"], on=datetime.date(2026, 3, 2))
    assert app.status == Status.SUBMITTED and app.step_due == datetime.date(2026, 3, 16)
    transition(app, "town_approve", people["street"], on=datetime.date(2026, 3, 10))
    transition(app, "county_approve", people["district"], on=datetime.date(2026, 3, 20))
    assert app.status == Status.IN_PUBLIC_NOTICE  # orphans: public notice
    with pytest.raises(Refusal, match="公示期至"):
        transition(app, "end_notice", people["district"], on=datetime.date(2026, 3, 24))
    transition(app, "end_notice", people["district"], on=app.step_due)
    with pytest.raises(Refusal, match="监护协议"):
        transition(app, "sign_agreement", people["district"], on=datetime.date(2026, 3, 30))
    ready_to_pay(app)
    transition(app, "sign_agreement", people["district"], on=datetime.date(2026, 3, 30))
    assert app.status == Status.ACTIVE and app.payment_start == datetime.date(2026, 4, 1)
    assert ApplicationEvent.objects.filter(application=app).count() == 5  # the refused step left no trace
    assert AuditEntry.objects.filter(
        object_type="welfare.AllowanceApplication", details__action="submit"
    ).exists()


def test_de_facto_unsupported_children_have_no_public_notice(people, child):
    app = file_application(child, Category.UNSUPPORTED, "祖父", people["director"])
    transition(app, "submit", people["director"], on=datetime.date(2026, 3, 2))
    assert app.step_due == datetime.date(2026, 3, 23)  # 15 working days
    transition(app, "town_approve", people["street"], on=datetime.date(2026, 3, 5))
    transition(app, "county_approve", people["district"], on=datetime.date(2026, 3, 9))
    assert app.status == Status.APPROVED


def test_a_deadline_across_national_day_lands_on_the_right_day(people, child):
    app = file_application(child, Category.ORPHAN, "姑姑", people["director"])
    transition(app, "submit", people["director"], on=datetime.date(2025, 9, 26))
    assert app.step_due == datetime.date(2025, 10, 16)  # 28 Sep and 11 Oct are make-up working days
    assert not is_overdue(app, datetime.date(2025, 10, 16)) and is_overdue(app, datetime.date(2025, 10, 17))


def test_return_for_evidence_reject_and_appeal_need_reasons(people, child):
    app = file_application(child, Category.ORPHAN, "外祖母", people["director"])
    transition(app, "submit", people["director"])
    with pytest.raises(Refusal, match="原因"):
        transition(app, "town_return", people["street"])
    transition(app, "town_return", people["street"], reason="缺少父母死亡证明")
    assert app.status == Status.RETURNED
    transition(app, "submit", people["director"])
    transition(app, "town_reject", people["street"], reason="不符合条件")
    transition(app, "appeal", people["director"], reason="补充了证明材料")
    assert app.status == Status.APPEALED and app.step_due is not None
    transition(app, "county_approve", people["district"])
    assert app.status == Status.IN_PUBLIC_NOTICE


def test_roles_and_jurisdictions_are_refused_by_name(people, child, make_user):
    app = file_application(child, Category.ORPHAN, "外祖母", people["director"])
    with pytest.raises(Refusal, match="角色"):
        transition(app, "town_approve", people["director"])
    other_street = make_user(Role.STREET_OFFICER, "150104002000")
    transition(app, "submit", people["director"])
    with pytest.raises(Refusal, match="辖区"):
        transition(app, "town_approve", other_street)
    with pytest.raises(Refusal, match="不能执行"):
        transition(app, "sign_agreement", people["district"])
    with pytest.raises(Refusal):
        file_application(child, Category.ORPHAN, "某", make_user(Role.CHILD_DIRECTOR, "150104002001"))


ACTIONS = sorted(STEPS)
ROLES = ["director", "street", "district"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ROLES)), max_size=25))
def test_no_sequence_of_moves_breaks_the_machine(people, child, moves):
    """Whatever is tried, only listed transitions happen, and nobody is paid without approval
    and an agreement."""
    app = ready_to_pay(file_application(child, Category.ORPHAN, "外祖母", people["director"]))
    day = datetime.date(2026, 1, 5)
    for action, who in moves:
        before = app.status
        day += datetime.timedelta(days=9)
        try:
            transition(app, action, people[who], reason="理由", on=day)
        except Refusal:
            assert app.status == before
            continue
        step = STEPS[action]
        assert before in step.sources and people[who].role in step.roles
        if app.status == Status.ACTIVE and action == "resume":
            assert before == Status.SUSPENDED
        elif app.status == Status.ACTIVE:
            assert before == Status.APPROVED and action == "sign_agreement"
            assert app.payment_start > day
    events = list(ApplicationEvent.objects.filter(application=app))
    for earlier, later in zip(events, events[1:], strict=False):
        assert earlier.to_status == later.from_status
