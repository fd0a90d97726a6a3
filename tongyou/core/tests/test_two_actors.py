"""Two people acting on the same record at the same moment: one change wins, the other is told
who changed it to what, and nothing is written twice. The threaded tests run on PostgreSQL
(CI's second leg), each request in its own connection; the stale-page tests run everywhere."""

import datetime
import threading

import pytest
from django.db import connection

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.alerts.models import AlertMessage, MissingChildCase
from tongyou.alerts.services import publishing
from tongyou.core.errors import Refusal
from tongyou.monitoring import reports
from tongyou.monitoring.models import PlanTask, ProgressReport, ReportEvent, ReportingRound
from tongyou.monitoring.services import current_plan
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory
from tongyou.welfare import harm
from tongyou.welfare.models import (
    AllowanceApplication,
    ApplicationEvent,
    Category,
    HarmAction,
    HarmReport,
    Status,
)
from tongyou.welfare.workflow import file_application, transition

COMMUNITY, STREET = "150104001001", "150104001000"


def at_once(*calls):
    """Run the calls in threads released together; returns each call's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # the refusal is the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def refused(outcomes, kind=Exception):
    return [o for o in outcomes if isinstance(o, kind)]


@pytest.fixture
def submitted(make_user, region):
    director = make_user(Role.CHILD_DIRECTOR, COMMUNITY)
    child = ChildFactory(residence_region=region("150104001001001"))
    app = file_application(child, Category.UNSUPPORTED, "祖父", director)
    transition(app, "submit", director, on=datetime.date(2026, 3, 2))
    return app, director


# ---------------------------------------------------------------- allowance applications


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_an_approval_approves_once(concurrent_db, make_user, submitted):
    app, _director = submitted
    street = make_user(Role.STREET_OFFICER, STREET)

    def approve():
        return transition(
            AllowanceApplication.objects.get(pk=app.pk), "town_approve", street, seen=Status.SUBMITTED
        )

    outcomes = at_once(approve, approve)
    assert len(refused(outcomes, Refusal)) == 1
    assert "已" in str(refused(outcomes)[0]) and "刷新" in str(refused(outcomes)[0])
    assert ApplicationEvent.objects.filter(application=app, action="town_approve").count() == 1
    assert AllowanceApplication.objects.get(pk=app.pk).status == Status.TOWN_APPROVED


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_and_an_approval_at_the_same_instant_do_not_both_apply(
    concurrent_db, make_user, submitted
):
    app, director = submitted
    street = make_user(Role.STREET_OFFICER, STREET)
    outcomes = at_once(
        lambda: transition(
            AllowanceApplication.objects.get(pk=app.pk), "withdraw", director, seen=Status.SUBMITTED
        ),
        lambda: transition(
            AllowanceApplication.objects.get(pk=app.pk), "town_approve", street, seen=Status.SUBMITTED
        ),
    )
    assert len(refused(outcomes, Refusal)) == 1
    final = AllowanceApplication.objects.get(pk=app.pk).status
    assert final in (Status.WITHDRAWN, Status.TOWN_APPROVED)
    assert ApplicationEvent.objects.filter(application=app).exclude(action="submit").count() == 1


@pytest.mark.django_db
def test_a_stale_page_is_told_who_changed_the_application(client_for, make_user, submitted):
    app, _director = submitted
    street_user = make_user(Role.STREET_OFFICER, STREET)
    street_user.first_name = "李审核"
    street_user.save()
    transition(app, "town_approve", street_user, seen=Status.SUBMITTED)
    other = client_for(Role.STREET_OFFICER, STREET)
    page = other.post(
        f"/welfare/applications/{app.pk}/act/",
        {"action": "town_reject", "reason": "材料不全", "seen": Status.SUBMITTED},
        follow=True,
    ).content.decode()
    assert "李审核" in page and "刷新" in page
    assert AllowanceApplication.objects.get(pk=app.pk).status == Status.TOWN_APPROVED


# ---------------------------------------------------------------- harm reports


@pytest.fixture
def received(region):
    return harm.receive(
        situation="1",
        description="邻居听到孩子哭喊",
        region=region("150104001001"),
        from_public=True,
    )


@pytest.mark.django_db(transaction=True)
def test_police_in_danger_now_and_a_caseworker_ordinary_at_once_end_in_danger_now(
    concurrent_db, make_user, received
):
    police = make_user(Role.POLICE, STREET)
    caseworker = make_user(Role.CASEWORKER)
    outcomes = at_once(
        lambda: harm.triage(HarmReport.objects.get(pk=received.pk), police, "immediate", "police"),
        lambda: harm.triage(HarmReport.objects.get(pk=received.pk), caseworker, "normal", "civil_affairs"),
    )
    report = HarmReport.objects.get(pk=received.pk)
    assert report.urgency == HarmReport.Urgency.IMMEDIATE
    assert len(refused(outcomes, Refusal)) <= 1


@pytest.mark.django_db
def test_a_later_more_urgent_triage_is_always_possible_and_a_lesser_one_is_refused(make_user, received):
    caseworker = make_user(Role.CASEWORKER)
    police = make_user(Role.POLICE, STREET)
    harm.triage(received, caseworker, "normal", "civil_affairs")
    before = received.due_at
    harm.triage(HarmReport.objects.get(pk=received.pk), police, "immediate", "police", note="现场有危险")
    report = HarmReport.objects.get(pk=received.pk)
    assert report.urgency == "immediate" and report.due_at < before
    assert HarmAction.objects.filter(report=report, kind="raise").exists()
    with pytest.raises(Refusal, match="更紧急"):
        harm.triage(report, caseworker, "urgent", "civil_affairs")


@pytest.mark.django_db(transaction=True)
def test_closing_and_recording_an_action_at_once_never_act_on_a_closed_report(
    concurrent_db, make_user, received
):
    caseworker = make_user(Role.CASEWORKER)
    harm.triage(received, caseworker, "urgent", "civil_affairs")
    at_once(
        lambda: harm.close(HarmReport.objects.get(pk=received.pk), caseworker, "已安置"),
        lambda: harm.act(HarmReport.objects.get(pk=received.pk), caseworker, "上门走访"),
    )
    report = HarmReport.objects.get(pk=received.pk)
    kinds = list(HarmAction.objects.filter(report=report).values_list("kind", flat=True))
    assert report.state == HarmReport.State.CLOSED and kinds[-1] == "close"


# ---------------------------------------------------------------- progress reports


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_reviewing_one_report_at_once_leave_one_decision(concurrent_db, make_user):
    office = Unit.objects.get(code="fegw")
    coordinator, other = make_user(Role.COORDINATOR, unit=office), make_user(Role.COORDINATOR, unit=office)
    officer = make_user(Role.UNIT_OFFICER, unit=Unit.objects.get(code="jyj"))
    reporting_round = reports.open_round(2026, datetime.date(2026, 12, 31), current_plan(), coordinator)
    task = PlanTask.objects.get(area__number=2, number=2, area__plan__is_current=True)
    report = reports.report_for(reporting_round, officer.unit, task, officer)
    reports.save(report, officer, "on_track", "按计划推进")
    reports.submit(report, officer)
    outcomes = at_once(
        lambda: reports.accept(ProgressReport.objects.get(pk=report.pk), coordinator, "同意"),
        lambda: reports.return_report(ProgressReport.objects.get(pk=report.pk), other, "请补充"),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert ReportEvent.objects.filter(report=report, action__in=["accept", "return"]).count() == 1
    assert ReportingRound.objects.count() == 1


# ---------------------------------------------------------------- alert cases


@pytest.mark.django_db(transaction=True)
def test_found_and_false_alarm_at_once_send_one_cancel(concurrent_db, make_user, settings):
    settings.ALERT_REQUIRE_CONFIRMATION = False
    officer, colleague = make_user(Role.POLICE, STREET), make_user(Role.POLICE, STREET)
    case = publishing.record_case(
        officer,
        child_name="小明",
        sex="1",
        age=6,
        description="蓝色上衣",
        clothing="蓝色上衣",
        last_seen_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5),
        last_seen_place="大召寺广场",
        latitude=40.80,
        longitude=111.66,
        region=Region.objects.get(code="150104001001"),
    )
    outcomes = at_once(
        lambda: publishing.end(MissingChildCase.objects.get(pk=case.pk), officer, "found", "已找到"),
        lambda: publishing.end(MissingChildCase.objects.get(pk=case.pk), colleague, "false_alarm", "误报"),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert AlertMessage.objects.filter(case=case, msg_type=AlertMessage.Type.CANCEL).count() == 1


# ---------------------------------------------------------------- money


@pytest.mark.django_db(transaction=True)
def test_two_caseworkers_approving_one_payee_change_at_once_apply_it_once(concurrent_db, make_user, region):
    from tongyou.audit.models import AuditEntry
    from tongyou.tests.factories import ready_to_pay
    from tongyou.welfare.models import PayeeChange
    from tongyou.welfare.workflow import decide_payee_change, update_details

    district = make_user(Role.CASEWORKER)
    app = file_application(
        ChildFactory(residence_region=region("150104001001001")), Category.ORPHAN, "外祖母", district
    )
    ready_to_pay(app)
    update_details(app, district, account_number="6222020000000000009")
    change = PayeeChange.objects.get()
    first, second = make_user(Role.CASEWORKER), make_user(Role.CASEWORKER)
    outcomes = at_once(
        lambda: decide_payee_change(PayeeChange.objects.get(pk=change.pk), first, approve=True),
        lambda: decide_payee_change(PayeeChange.objects.get(pk=change.pk), second, approve=False),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert (
        AuditEntry.objects.filter(object_type="welfare.PayeeChange", details__has_key="decision").count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_approving_a_payment_list_twice_at_once_approves_it_once(concurrent_db, make_user, region):
    from decimal import Decimal

    from tongyou.tests.factories import ready_to_pay
    from tongyou.welfare.disbursement import Refusal, approve_run, build_run
    from tongyou.welfare.models import AllowanceStandard, DisbursementRun

    district = make_user(Role.CASEWORKER)
    AllowanceStandard.objects.create(
        category=Category.ORPHAN, monthly_amount=Decimal("1712.00"), effective_from=datetime.date(2026, 1, 1)
    )
    app = file_application(
        ChildFactory(residence_region=region("150104001001001")), Category.ORPHAN, "外祖母", district
    )
    AllowanceApplication.objects.filter(pk=app.pk).update(
        status="active", payment_start=datetime.date(2026, 1, 1)
    )
    ready_to_pay(app)
    run = build_run(datetime.date(2026, 3, 1), district)
    outcomes = at_once(
        lambda: approve_run(DisbursementRun.objects.get(pk=run.pk), district),
        lambda: approve_run(DisbursementRun.objects.get(pk=run.pk), district),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert DisbursementRun.objects.get(pk=run.pk).state == "approved"


def test_two_officers_approving_one_partner_webhook_at_once_approve_it_once(concurrent_db, client_for):
    from django.utils import timezone

    from tongyou.alerts.models import Recipient
    from tongyou.audit.models import AuditEntry

    recipient = Recipient.objects.create(
        name="合作方",
        kind="partner",
        channel="webhook",
        address="https://8.8.8.8/hook",
        secret="s" * 20,
        latitude=40.78,
        longitude=111.66,
        cell4="x",
        cell5="x",
        cell6="x",
    )
    first, second = client_for(Role.POLICE), client_for(Role.POLICE)
    url = f"/alerts/partners/{recipient.pk}/decide/"
    at_once(
        lambda: first.post(url, {"decision": "approve"}), lambda: second.post(url, {"decision": "approve"})
    )
    recipient.refresh_from_db()
    assert recipient.approved_at is not None and recipient.approved_at <= timezone.now()
    assert recipient.approved_by_id in (first.user.pk, second.user.pk)
    approvals = AuditEntry.objects.filter(object_type="alerts.Recipient", details__webhook="approved")
    assert approvals.count() == 1


def test_two_security_administrators_approving_one_account_at_once_approve_it_once(concurrent_db, make_user):
    from tongyou.accounts import access
    from tongyou.accounts.models import User
    from tongyou.audit.models import AuditEntry

    newcomer = make_user(Role.CASEWORKER, username="newcomer", approved_grant="")
    first, second = make_user(Role.SECURITY_ADMIN), make_user(Role.SECURITY_ADMIN)
    at_once(
        lambda: access.approve(User.objects.get(pk=newcomer.pk), first),
        lambda: access.approve(User.objects.get(pk=newcomer.pk), second),
    )
    newcomer.refresh_from_db()
    assert newcomer.access_approved and newcomer.access_approved_by_id in (first.pk, second.pk)
    approvals = AuditEntry.objects.filter(object_id=str(newcomer.pk), details__approval="approved")
    assert approvals.count() == 1
