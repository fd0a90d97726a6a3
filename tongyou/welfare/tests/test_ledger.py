"""Every child in the registers is visited at least quarterly; a high-risk assessment refers on."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.datahub.codes import ChildStatus
from tongyou.datahub.models import StatusPeriod
from tongyou.tests.factories import ChildFactory
from tongyou.welfare.models import HarmReport, Visit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def registered_child(region, grid="150104001001001", status=ChildStatus.LEFT_BEHIND):
    child = ChildFactory(residence_region=region(grid))
    StatusPeriod.objects.create(
        child=child,
        unit=Unit.objects.get(code="mzj"),
        status=status,
        valid_from=TODAY - datetime.timedelta(days=400),
    )
    return child


def test_the_dashboard_counts_overdue_records_by_community(client_for, region):
    fresh, stale = registered_child(region), registered_child(region)
    registered_child(region, grid="150104002001001")  # another street
    ChildFactory(residence_region=region("150104001001001"))  # not in the registers
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    Visit.objects.create(
        child=fresh, visited_on=TODAY - datetime.timedelta(days=10), visitor=director.user, risk="low"
    )
    Visit.objects.create(
        child=stale, visited_on=TODAY - datetime.timedelta(days=120), visitor=director.user, risk="low"
    )
    street = client_for(Role.STREET_OFFICER, "150104001000")
    context = street.get("/welfare/ledger/").context
    assert context["registered"] == 2
    assert context["areas"] == {("小召前街街道", "小召前街第1社区（示意）"): (2, 1)}
    assert [r["child"] for r in context["overdue"]] == [stale]


def test_the_ledger_exports_masked_and_watermarked(client_for, region):
    registered_child(region)
    c = client_for(Role.CASEWORKER)
    sheet = load_workbook(io.BytesIO(c.get("/welfare/ledger.xlsx").content)).active
    assert c.user.username in sheet["A1"].value
    row = list(sheet.iter_rows(min_row=3, values_only=True))[0]
    assert "*" in row[0] and "********" in row[1] and row[4] == "是"


def test_a_visit_with_high_risk_files_a_referral(client_for, region):
    child = registered_child(region)
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    page = director.get(f"/datahub/children/{child.pk}/").content.decode()
    assert 'id="record-visit"' in page
    director.post(
        f"/welfare/visits/new/{child.pk}/",
        {"visited_on": TODAY.isoformat(), "risk": "high", "notes": "父母均外出，祖母卧病"},
    )
    visit = Visit.objects.get()
    report = HarmReport.objects.get()
    assert visit.referral == report and report.child == child and not report.from_public
    assert "祖母卧病" in report.description
    police = client_for(Role.POLICE)
    assert report.reference in police.get("/welfare/harm/").content.decode()


def test_visits_cannot_be_in_the_future_or_outside_the_area(client_for, region):
    child = registered_child(region)
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    response = director.post(
        f"/welfare/visits/new/{child.pk}/",
        {"visited_on": (TODAY + datetime.timedelta(days=1)).isoformat(), "risk": "low"},
    )
    assert response.status_code == 200 and not Visit.objects.exists()
    other = client_for(Role.CHILD_DIRECTOR, "150104002001")
    assert other.get(f"/welfare/visits/new/{child.pk}/").status_code == 404
    assert client_for(Role.RESEARCHER).get("/welfare/ledger/").status_code == 403


def test_the_visit_schedule_follows_category_risk_and_first_visit_rules(region, make_user):
    from tongyou.core.workdays import add_working_days
    from tongyou.welfare.ledger import visit_schedule

    director = make_user(Role.CHILD_DIRECTOR, "150104001001")
    unsupported = registered_child(region, status=ChildStatus.DE_FACTO_UNSUPPORTED)
    left_behind = registered_child(region, status=ChildStatus.LEFT_BEHIND)
    new = ChildFactory(residence_region=region("150104001001001"))
    StatusPeriod.objects.create(
        child=new, unit=Unit.objects.get(code="mzj"), status=ChildStatus.ORPHAN, valid_from=TODAY
    )
    registered_child(region, grid="150104002001001")  # another community: not in this schedule
    visit = TODAY - datetime.timedelta(days=10)
    Visit.objects.create(child=unsupported, visited_on=visit, visitor=director, risk="low")
    Visit.objects.create(child=left_behind, visited_on=visit, visitor=director, risk="high")
    due = {s.child.pk: s.due for s in visit_schedule(director, TODAY)}
    assert due == {
        unsupported.pk: visit + datetime.timedelta(days=30),  # monthly for de-facto unsupported
        left_behind.pk: visit + datetime.timedelta(days=14),  # quarterly, but high risk: fortnightly
        new.pk: add_working_days(TODAY, 5),  # first visit within five working days
    }


def test_the_visit_schedule_page_lists_only_the_directors_community(client_for, region):
    mine, theirs = registered_child(region), registered_child(region, grid="150104002001001")
    page = client_for(Role.CHILD_DIRECTOR, "150104001001").get("/welfare/visits/").content.decode()
    assert f"/welfare/visits/new/{mine.pk}/" in page and f"/welfare/visits/new/{theirs.pk}/" not in page


def test_a_child_registered_today_is_not_overdue_before_the_first_visit_is_due(client_for, region):
    child = ChildFactory(residence_region=region("150104001001001"))
    StatusPeriod.objects.create(
        child=child, unit=Unit.objects.get(code="mzj"), status=ChildStatus.LEFT_BEHIND, valid_from=TODAY
    )
    rows = client_for(Role.CHILD_DIRECTOR, "150104001001").get("/welfare/ledger/").context["overdue"]
    assert child.pk not in [r["child"].pk for r in rows]


def test_the_quarterly_ledger_has_the_columns_and_totals_a_civil_affairs_office_keeps(client_for, region):
    from tongyou.datahub.models import Guardian

    old = registered_child(region)  # registered 400 days ago, never visited: overdue
    Guardian.objects.create(child=old, name="王大伟", relationship="1", phone="13912345678")
    new = ChildFactory(residence_region=region("150104002001001"))
    StatusPeriod.objects.create(
        child=new, unit=Unit.objects.get(code="mzj"), status=ChildStatus.ORPHAN, valid_from=TODAY
    )
    quarter = (TODAY.month - 1) // 3 + 1
    response = client_for(Role.CASEWORKER).get(
        f"/welfare/ledger-quarter.xlsx?year={TODAY.year}&quarter={quarter}"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:4] == ("序号", "类别", "儿童姓名", "身份证号码") and rows[2][-2:] == (
        "本季度变化",
        "走访超期",
    )
    body = {r[1]: r for r in rows[3:5]}
    assert body["留守儿童"][4] == "王*伟" and "*" in body["留守儿童"][5] and body["留守儿童"][-1] == "是"
    assert "认定" in body["孤儿"][-2] and body["孤儿"][-1] in ("", None)  # new this quarter, not yet due
    text = " ".join(str(c) for r in rows for c in r if c)
    assert "按类别合计" in text and "按街道（镇）合计" in text and "王大伟" not in text
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == sheet.PAPERSIZE_A4
