"""Whoever takes the next step is told, and an overdue step reaches their supervisor too."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tongyou.accounts.roles import Role
from tongyou.core.models import Notification
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory
from tongyou.welfare import harm
from tongyou.welfare.models import HarmReport
from tongyou.welfare.workflow import file_application, notify_overdue, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user):
    coordinator = make_user(Role.COORDINATOR)
    caseworker = make_user(Role.CASEWORKER, supervisor=coordinator)
    street = make_user(Role.STREET_OFFICER, "150104001000", supervisor=caseworker)
    return {
        "coordinator": coordinator,
        "caseworker": caseworker,
        "street": street,
        "other_street": make_user(Role.STREET_OFFICER, "150104002000"),
        "director": make_user(Role.CHILD_DIRECTOR, "150104001001", supervisor=street),
        "police": make_user(Role.POLICE),
    }


def messages_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("message", flat=True))


def test_a_submitted_application_is_announced_to_its_street_only(
    staff, region, django_capture_on_commit_callbacks
):
    app = file_application(
        ChildFactory(residence_region=region("150104001001001")), "orphan", "外祖母", staff["director"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        transition(app, "submit", staff["director"])
    assert messages_for(staff["street"]) == [f"申请#{app.pk}等待您处理：已提交街道（镇）。"]
    assert messages_for(staff["other_street"]) == []


def test_an_overdue_step_reaches_the_reviewer_and_their_supervisor_once(staff, region):
    app = file_application(
        ChildFactory(residence_region=region("150104001001001")), "orphan", "外祖母", staff["director"]
    )
    transition(app, "submit", staff["director"], on=datetime.date(2026, 9, 1))
    assert notify_overdue(today=app.step_due) == 0  # due today is not late
    assert notify_overdue(today=app.step_due + datetime.timedelta(days=1)) == 1
    notify_overdue(today=app.step_due + datetime.timedelta(days=2))  # the daily job runs again
    for who in ("street", "caseworker"):
        overdue = [m for m in messages_for(staff[who]) if m.startswith("已超期")]
        assert len(overdue) == 1, who
    assert not any(m.startswith("已超期") for m in messages_for(staff["other_street"]))


def test_a_public_harm_report_alerts_the_areas_handlers_and_escalation_their_supervisors(
    staff, django_capture_on_commit_callbacks
):
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/report/",
            {
                "situation": "6",
                "description": "孩子独自在家多日",
                "region": Region.objects.get(code="150104001001").pk,
            },
        )
    report = HarmReport.objects.get()
    for who in ("police", "caseworker", "street"):
        assert any(report.reference in m for m in messages_for(staff[who])), who
    assert messages_for(staff["other_street"]) == []
    harm.escalate_overdue(now=timezone.now() + datetime.timedelta(hours=2))
    assert any(m.startswith("已超期") for m in messages_for(staff["coordinator"]))


def test_the_messages_page_shows_unread_messages_and_marks_them_read(client_for):
    client = client_for(Role.CASEWORKER)
    Notification.objects.create(recipient=client.user, key="k", message="测试消息", url="/welfare/")
    page = client.get("/notifications/").content.decode()
    assert "测试消息" in page and 'class="unread"' in page
    assert 'id="notices"' in client.get("/").content.decode()
    client.post("/notifications/")
    assert Notification.objects.get().read_at is not None
