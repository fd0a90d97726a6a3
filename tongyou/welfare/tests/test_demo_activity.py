"""The demo district is alive: a year of welfare work made through the real workflow."""

import pytest

from tongyou.accounts.demo import create_demo_accounts
from tongyou.tests.factories import ChildFactory
from tongyou.welfare.demo import DEMO_COMMUNITY, STORYLINES, load_demo_activity, load_demo_standards
from tongyou.welfare.models import (
    AllowanceApplication,
    ApplicationEvent,
    DisbursementRun,
    HarmReport,
    SpotCheckItem,
    Status,
)

pytestmark = pytest.mark.django_db


def test_the_demo_holds_an_application_in_every_state_made_by_the_workflow_once(region):
    create_demo_accounts()
    load_demo_standards()
    for n in range(len(STORYLINES) + 2):
        ChildFactory(residence_region=region(f"{DEMO_COMMUNITY}00{1 + n % 2}"))
    assert "applications" in load_demo_activity()
    states = set(AllowanceApplication.objects.values_list("status", flat=True))
    assert {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.TOWN_APPROVED,
        Status.IN_PUBLIC_NOTICE,
        Status.ACTIVE,
        Status.REJECTED,
        Status.WITHDRAWN,
    } <= states
    assert ApplicationEvent.objects.exists()  # every step is in the history, as a real one would be
    assert set(HarmReport.objects.values_list("state", flat=True)) == {"received", "acting", "closed"}
    assert set(DisbursementRun.objects.values_list("state", flat=True)) == {"paid", "draft"}
    assert SpotCheckItem.objects.exists()  # last month's payments drawn for checking
    before = AllowanceApplication.objects.count()
    assert "nothing added" in load_demo_activity()
    assert AllowanceApplication.objects.count() == before


def test_the_demo_has_reports_at_every_stage_news_and_a_past_drill():
    from tongyou.alerts.demo import load_demo_drill
    from tongyou.alerts.models import MissingChildCase
    from tongyou.monitoring.demo import load_demo_activity as load_reports
    from tongyou.monitoring.demo import open_demo_round
    from tongyou.monitoring.models import NewsItem, ProgressReport

    create_demo_accounts()
    open_demo_round()
    load_reports()
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {
        "accepted",
        "returned",
        "submitted",
        "draft",
    }
    assert NewsItem.objects.filter(published_at__isnull=False).exists()
    load_drill = load_demo_drill()
    case = MissingChildCase.objects.get()
    assert case.is_drill and case.state == MissingChildCase.State.FOUND and "found" in load_drill
    assert case.messages.filter(msg_type="Cancel").exists()  # the public were told it ended
    assert "nothing added" in load_reports() and "nothing added" in load_demo_drill()
