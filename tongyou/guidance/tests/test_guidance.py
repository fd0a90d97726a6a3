"""Family-education guidance: visits with follow-ups done once, the effect survey once a year and
read only as counts, reach by community through disclosure control, guidance points and DE-01."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from tongyou.accounts.roles import Role
from tongyou.community.models import Activity, SignUp
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.guidance import points, reach, visits
from tongyou.guidance.indicators import guidance_points
from tongyou.guidance.models import GuidancePoint, SurveyResponse, Visit
from tongyou.regions.models import Region
from tongyou.regions.tree import RegionTree

from .helpers import HERE, THERE, family, today, user

pytestmark = pytest.mark.django_db


def test_families_with_children_not_visited_this_year_come_first_and_leave_the_list_when_visited():
    director = user(Role.CHILD_DIRECTOR)
    first, second = family(), family()
    family(children=0)  # no child: not a family to visit for this service
    family(ages=(19,))  # grown up
    family(community=THERE)  # another community
    assert set(visits.to_visit(director)) == {first, second}
    visits.record_visit(director, first, purpose="routine", needs=[])
    assert set(visits.to_visit(director)) == {second}


def test_a_visit_names_a_purpose_and_needs_from_the_lists_and_a_dated_follow_up():
    director = user(Role.CHILD_DIRECTOR)
    home = family()
    with pytest.raises(Refusal, match="目的"):
        visits.record_visit(director, home, purpose="<x>", needs=[])
    with pytest.raises(Refusal, match="需求"):
        visits.record_visit(director, home, purpose="routine", needs=["x" * 300])
    with pytest.raises(Refusal, match="日期"):
        visits.record_visit(director, home, purpose="routine", needs=[], follow_up="推荐家长学校")
    visit = visits.record_visit(
        director,
        home,
        purpose="guidance",
        needs=["parenting"],
        follow_up="推荐家长学校",
        follow_up_due=today() + datetime.timedelta(days=7),
    )
    with pytest.raises(Refusal, match="已登记"):
        visits.record_visit(director, home, purpose="routine", needs=[])
    visits.follow_up_done(director, visit)
    with pytest.raises(Refusal, match="已于"):
        visits.follow_up_done(user(Role.STREET_OFFICER, "150104001"), Visit.objects.get(pk=visit.pk))


def test_only_the_community_and_street_visit_and_only_their_area():
    home = family()
    for outsider in (
        user(Role.CHILD_DIRECTOR, THERE),
        user(Role.RESEARCHER, "150104", unit="dsj"),
        user(Role.UNIT_OFFICER, "150104", unit="fl"),
        user(Role.POLICE, "150104"),
    ):
        with pytest.raises(PermissionDenied):
            visits.record_visit(outsider, home, purpose="routine", needs=[])


def test_the_survey_is_answered_once_a_year_and_read_only_as_protected_counts():
    director = user(Role.CHILD_DIRECTOR)
    homes = [family() for _ in range(6)]
    for home in homes:
        visits.answer_survey(director, home, "very", "more", ["parenting"])
    with pytest.raises(Refusal, match="已填写"):
        visits.answer_survey(director, homes[0], "not", "less", [])
    with pytest.raises(Refusal, match="两个问题"):
        visits.answer_survey(director, family(), "", "more", [])
    office = user(Role.CASEWORKER, "150104", unit="mzj")  # reads records, but survey counts stay protected
    rows = {(r.question, r.answer): r.families for r in reach.survey_summary(office)}
    very = next(v for (q, a), v in rows.items() if a == str(SurveyResponse.Helpful.VERY.label))
    assert very == disclosure.persons(disclosure.Signature.of(h.pk for h in homes), disclosure.PROTECTED)


def test_reach_counts_families_visited_or_at_a_parent_school_session_through_disclosure():
    director = user(Role.CHILD_DIRECTOR)
    homes = [family() for _ in range(5)]
    visits.record_visit(director, homes[0], purpose="routine", needs=[])
    start = datetime.datetime.combine(today(), datetime.time(9), tzinfo=datetime.UTC)
    session = Activity.objects.create(
        title="家长学校",
        kind=Activity.Kind.PARENT_SCHOOL,
        region=Region.objects.get(code=HERE),
        place="活动室",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        capacity=20,
        created_by=director,
    )
    SignUp.objects.create(activity=session, child=homes[1].children.first(), attended=True)
    SignUp.objects.create(activity=session, child=homes[2].children.first(), attended=False)
    office = user(Role.CASEWORKER, "150104", unit="mzj")
    row = next(r for r in reach.reach(office) if r.area.code == HERE)
    assert (row.families, row.reached, row.share) == (5, 2, 40.0)
    researcher = user(Role.RESEARCHER, "150104", unit="dsj")
    protected = next(r for r in reach.reach(researcher) if r.area.code == HERE)
    policy = disclosure.Policy.for_user(researcher)
    assert protected.families == disclosure.persons(disclosure.Signature.of(h.pk for h in homes), policy)
    assert protected.reached == disclosure.persons(
        disclosure.Signature.of([homes[0].pk, homes[1].pk]), policy
    )


def test_guidance_points_are_kept_by_the_leads_and_de01_counts_communities_with_one():
    womens_federation = user(Role.UNIT_OFFICER, "150104", unit="fl")
    community = Region.objects.get(code=HERE)
    point = points.open_point(
        womens_federation,
        name="小召前街家长学校",
        kind="parent_school",
        host="community",
        region=community,
        opened_on=today() - datetime.timedelta(days=30),
    )
    with pytest.raises(Refusal, match="同名"):
        points.open_point(
            womens_federation,
            name="小召前街家长学校",
            kind="parent_school",
            host="community",
            region=community,
            opened_on=today(),
        )
    with pytest.raises(PermissionDenied):
        points.open_point(
            user(Role.RESEARCHER, "150104", unit="dsj"),
            name="某",
            kind="parent_school",
            host="community",
            region=community,
            opened_on=today(),
        )
    tree = RegionTree()
    numerators, denominators = guidance_points(today(), tree)
    assert numerators[community.pk] == 1 and denominators[community.pk] == 1
    district = Region.objects.get(code="150104000000")
    assert numerators[district.pk] == 1 and denominators[district.pk] > 1
    points.close_point(womens_federation, point, today())
    with pytest.raises(Refusal, match="停办"):
        points.close_point(womens_federation, GuidancePoint.objects.get(pk=point.pk))
    numerators, _ = guidance_points(today() + datetime.timedelta(days=1), tree)
    assert numerators[community.pk] == 0


def test_the_annual_report_gets_points_visits_and_families_reached_protected():
    from tongyou.guidance.indicators import task_facts

    assert task_facts(today().year) == []  # nothing recorded: nothing said
    director = user(Role.CHILD_DIRECTOR)
    home = family()
    visits.record_visit(director, home, purpose="routine", needs=[])
    points.open_point(
        user(Role.UNIT_OFFICER, "150104", unit="fl"),
        name="家长学校",
        kind="parent_school",
        host="community",
        region=Region.objects.get(code=HERE),
        opened_on=today(),
    )
    facts = task_facts(today().year)
    assert "覆盖1个社区" in facts[0] and "年内家庭走访1次" in facts[0]
    shown = disclosure.persons(disclosure.Signature.of([home.pk]), disclosure.PROTECTED)
    assert ("不足5" if shown is None else f"约{shown}户") in facts[1]
