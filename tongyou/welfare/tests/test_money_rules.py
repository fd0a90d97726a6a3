"""Money that never goes wrong: one allowance per child a month whatever the applications, a
re-issue returned again waits for a person, the person who files or submits does not approve,
and reminders run without cron."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.core.models import Notification
from tongyou.tests.factories import ChildFactory
from tongyou.welfare.disbursement import (
    approve_run,
    budget_projection,
    build_run,
    mark_paid,
    record_returns,
    returned_twice,
)
from tongyou.welfare.models import AllowanceApplication, AllowanceStandard, Category, Payment, Status
from tongyou.welfare.workflow import file_application, transition

from .test_reconciliation import APRIL, MARCH, MAY, paid_child

pytestmark = pytest.mark.django_db
COMMUNITY, STREET = "150104001001", "150104001000"


@pytest.fixture
def district(make_user):
    for category, amount in ((Category.ORPHAN, "1712.00"), (Category.UNSUPPORTED, "1712.00")):
        AllowanceStandard.objects.create(
            category=category, monthly_amount=Decimal(amount), effective_from=datetime.date(2026, 1, 1)
        )
    return make_user(Role.CASEWORKER)


def test_a_second_live_application_blocks_approval_whatever_reason_is_typed(make_user, region, district):
    director, street = make_user(Role.CHILD_DIRECTOR, COMMUNITY), make_user(Role.STREET_OFFICER, STREET)
    child = ChildFactory(residence_region=region("150104001001001"))
    first = file_application(child, Category.UNSUPPORTED, "祖父", director)
    first.status = Status.ACTIVE
    first.save()
    second = file_application(child, Category.UNSUPPORTED, "祖母", director)
    transition(second, "submit", director, on=datetime.date(2026, 3, 2))
    transition(second, "town_approve", street, on=datetime.date(2026, 3, 3))
    with pytest.raises(Refusal, match="一份"):
        transition(second, "county_approve", district, reason="情况特殊，同意", on=datetime.date(2026, 3, 4))
    assert AllowanceApplication.objects.get(pk=second.pk).status == Status.TOWN_APPROVED


def test_two_active_applications_for_one_child_are_paid_once_and_counted_once(region, district):
    app = paid_child(district, region)
    twin = file_application(app.child, Category.ORPHAN, "外祖父", district)
    AllowanceApplication.objects.filter(pk=twin.pk).update(status=Status.ACTIVE, payment_start=MARCH)
    run = build_run(MARCH, district)
    assert run.payments.count() == 1 and run.payments.get().application_id == app.pk
    assert run.duplicates == [(twin.pk, app.pk)]
    april = build_run(APRIL, district)
    assert april.payments.count() == 1
    assert budget_projection(2027)[str(Category.ORPHAN.label)]["children"] == 1
    # The database refuses a second allowance for the child in the month, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            run=run,
            application=twin,
            child=app.child,
            amount=Decimal("1712.00"),
            standard=run.payments.get().standard,
        )


def test_a_reissue_returned_again_is_not_reissued_every_month_but_waits_for_a_caseworker(
    region, district, client_for
):
    paid_child(district, region)
    march = mark_paid(approve_run(build_run(MARCH, district), district), district)
    first = march.payments.get()
    record_returns(march, district, [(2, first.reference, "账户已销户", MARCH)])
    april = mark_paid(approve_run(build_run(APRIL, district), district), district)
    reissue = april.payments.get(reissue_of=first)
    record_returns(april, district, [(2, reissue.reference, "账户已销户", APRIL)])
    may = build_run(MAY, district)
    assert list(may.payments.values_list("reissue_of", flat=True)) == [None]  # the month's own only
    assert [p.pk for p in returned_twice()] == [reissue.pk]
    page = client_for(Role.CASEWORKER).get(f"/welfare/payments/{may.pk}/").content.decode()
    assert reissue.reference in page and first.reference in page


def test_the_person_who_files_or_submits_does_not_approve_at_the_next_level(make_user, region, district):
    street = make_user(Role.STREET_OFFICER, STREET)
    other_street = make_user(Role.STREET_OFFICER, STREET)
    child = ChildFactory(residence_region=region("150104001001001"))
    app = file_application(child, Category.UNSUPPORTED, "祖父", street)
    transition(app, "submit", street, on=datetime.date(2026, 3, 2))
    with pytest.raises(Refusal, match="另一人"):
        transition(app, "town_approve", street, on=datetime.date(2026, 3, 3))
    transition(app, "town_approve", other_street, on=datetime.date(2026, 3, 3))
    assert app.status == Status.TOWN_APPROVED
    caseworker_filed = file_application(
        ChildFactory(residence_region=region("150104001001001")), Category.UNSUPPORTED, "祖母", district
    )
    transition(caseworker_filed, "submit", district, on=datetime.date(2026, 3, 2))
    transition(caseworker_filed, "town_approve", other_street, on=datetime.date(2026, 3, 3))
    with pytest.raises(Refusal, match="另一人"):
        transition(caseworker_filed, "county_approve", district, on=datetime.date(2026, 3, 4))


def test_overdue_steps_are_told_by_the_worker_without_cron(make_user, region, monkeypatch):
    director = make_user(Role.CHILD_DIRECTOR, COMMUNITY)
    street = make_user(Role.STREET_OFFICER, STREET)
    child = ChildFactory(residence_region=region("150104001001001"))
    app = file_application(child, Category.UNSUPPORTED, "祖父", director)
    transition(app, "submit", director, on=datetime.date(2024, 3, 1))  # long overdue
    call_command("run_worker", "--once")
    assert Notification.objects.filter(recipient=street, key__endswith=".overdue").exists()


# ---------------------------------------------------------------- mandatory reporting


@pytest.mark.parametrize("unit", ["jyj", "wjw"])
def test_schools_and_hospitals_report_through_the_staff_intake(client_for, region, unit):
    from tongyou.accounts.models import Unit
    from tongyou.welfare.models import HarmReport

    officer = client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code=unit))
    assert officer.get("/welfare/harm/new/").status_code == 200
    page = officer.post(
        "/welfare/harm/new/",
        {"situation": "1", "description": "学生身上多处伤痕", "region": region("150104001001").pk},
        follow=True,
    ).content.decode()
    report = HarmReport.objects.get()
    assert not report.from_public and report.reference in page
    assert officer.get(f"/welfare/harm/{report.pk}/").status_code in (403, 404)  # filed, not handled by them


def test_a_unit_without_a_reporting_duty_has_no_staff_intake(client_for):
    from tongyou.accounts.models import Unit

    assert (
        client_for(Role.UNIT_OFFICER, unit=Unit.objects.get(code="fgw")).get("/welfare/harm/new/").status_code
        == 403
    )


def test_a_report_left_in_handling_past_its_clock_keeps_being_escalated(make_user, region):
    from django.utils import timezone

    from tongyou.welfare import harm
    from tongyou.welfare.models import HarmReport

    caseworker = make_user(Role.CASEWORKER)
    report = harm.receive(situation="1", description="邻居反映", region=region("150104001001"))
    harm.triage(report, caseworker, "urgent", "civil_affairs")
    harm.act(HarmReport.objects.get(pk=report.pk), caseworker, "已电话联系")
    late = timezone.now() + datetime.timedelta(days=2)
    assert harm.escalate_overdue(now=late) == 1
    assert harm.escalate_overdue(now=late) == 0  # once per clock
    assert harm.escalate_overdue(now=late + datetime.timedelta(days=2)) == 1  # still not closed
    assert Notification.objects.filter(key__contains=".overdue.").values("key").distinct().count() == 2


# ---------------------------------------------------------------- a list paid as it stands today


def test_a_draft_prepared_before_a_termination_or_a_new_standard_is_refused_at_approval(region, district):
    from tongyou.welfare.disbursement import Refusal, approve_run

    app = paid_child(district, region)
    other = paid_child(district, region, grid="150104001002001")
    draft = build_run(APRIL, district)
    transition(other, "terminate", district, reason="已被收养", on=datetime.date(2026, 3, 20))
    with pytest.raises(Refusal, match="重新生成"):
        approve_run(draft, district)
    draft = build_run(APRIL, district)  # rebuilt as it stands today: the terminated child is gone
    AllowanceStandard.objects.create(
        category=Category.ORPHAN, monthly_amount=Decimal("1800.00"), effective_from=APRIL
    )
    with pytest.raises(Refusal, match="重新生成"):
        approve_run(draft, district)  # the raised standard is not in the draft
    draft = build_run(APRIL, district)
    approved = approve_run(draft, district)
    assert [(p.application_id, p.amount) for p in approved.payments.all()] == [(app.pk, Decimal("1800.00"))]
    references = [p.reference for p in approved.payments.all()]
    with pytest.raises(Refusal, match="不能重新生成"):
        build_run(APRIL, district)  # references issued to the bank never change
    assert [p.reference for p in approved.payments.all()] == references


# ---------------------------------------------------------------- who may change where money goes


def test_only_a_caseworker_changes_the_payee_and_a_second_one_approves_it(
    client_for, make_user, region, district
):
    from tongyou.audit.models import AuditEntry
    from tongyou.welfare.models import PayeeChange
    from tongyou.welfare.workflow import decide_payee_change, update_details

    app = paid_child(district, region)  # in payment, account on file
    director = make_user(Role.CHILD_DIRECTOR, COMMUNITY)
    with pytest.raises(Refusal, match="个案工作者"):
        update_details(app, director, account_number="6222020000000000001")
    changed = update_details(app, district, account_number="6222020000000000001", account_holder="外祖父")
    assert changed == ["payee_change"]
    app.refresh_from_db()
    assert app.account_number == "6228480012345678901"  # not applied yet
    change = PayeeChange.objects.get()
    with pytest.raises(Refusal, match="另一名"):
        decide_payee_change(change, district, approve=True)
    second = make_user(Role.CASEWORKER)
    decide_payee_change(PayeeChange.objects.get(), second, approve=True)
    app.refresh_from_db()
    assert (app.account_number, app.account_holder) == ("6222020000000000001", "外祖父")
    entry = AuditEntry.objects.filter(object_type="welfare.PayeeChange", details__decision="applied").get()
    assert entry.details["old"]["account"].endswith("8901") and entry.details["new"]["account"].endswith(
        "0001"
    )
    assert "6228480012345678901" not in str(entry.details) and "6222020000000000001" not in str(entry.details)
    with pytest.raises(Refusal, match="刷新"):
        decide_payee_change(change, second, approve=False)  # decided already: told, not re-applied
    director_page = client_for(Role.CHILD_DIRECTOR, COMMUNITY).post(
        f"/welfare/applications/{app.pk}/details/", {"account_number": "6222020000000000002"}, follow=True
    )
    assert "个案工作者" in director_page.content.decode()


def test_a_step_says_what_happened_and_irreversible_steps_ask_first(client_for, region):
    director = client_for(Role.CHILD_DIRECTOR, COMMUNITY)
    child = ChildFactory(residence_region=region("150104001001001"))
    app = file_application(child, Category.UNSUPPORTED, "祖父", director.user)
    page = director.get(f"/welfare/applications/{app.pk}/").content.decode()
    assert 'data-confirm="此操作不可撤销' in page.split('value="withdraw"')[0].rsplit("<form", 1)[1]
    assert "/static/core/confirm.js" in page
    done = director.post(
        f"/welfare/applications/{app.pk}/act/", {"action": "submit", "seen": "draft"}, follow=True
    ).content.decode()
    assert "已完成" in done and "已提交街道（镇）" in done


# ---------------------------------------------------------------- 公示


def test_orphans_are_published_masked_for_their_notice_period_only_and_never_unsupported_children(
    client, make_user, region, district
):
    from tongyou.welfare import notice

    street = make_user(Role.STREET_OFFICER, STREET)
    director = make_user(Role.CHILD_DIRECTOR, COMMUNITY)

    def approved(category, name):
        child = ChildFactory(residence_region=region("150104001001001"), name=name)
        app = file_application(child, category, "外祖母", director)
        transition(app, "submit", director, on=datetime.date(2026, 3, 2))
        transition(app, "town_approve", street, on=datetime.date(2026, 3, 3))
        transition(app, "county_approve", district, reason="核实无误", on=datetime.date(2026, 3, 4))
        return app

    orphan = approved(Category.ORPHAN, "张小三")
    approved(Category.UNSUPPORTED, "李小四")
    page = client.get("/welfare/notice/").content.decode()  # no login
    # The notice runs five working days from 2026-03-04; the test's today is later: take "today" in it.
    rows = notice.on_notice(today=datetime.date(2026, 3, 5))
    assert [r["name"] for r in rows] == ["张*三"] and rows[0]["until"] == orphan.step_due
    assert "李" not in str(rows) and "李小四" not in page and "张小三" not in page
    assert notice.on_notice(today=orphan.step_due + datetime.timedelta(days=1)) == []  # taken down
    transition(orphan, "end_notice", district, on=orphan.step_due)
    assert notice.on_notice(today=datetime.date(2026, 3, 5)) == []
