"""Disaster readiness: screening every orphan and de-facto-unsupported child with follow-ups,
completion through disclosure control, dense places with plans and drills, and supplies against
the children of each community without going below zero."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongyou.accounts.roles import Role
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.datahub.codes import ChildStatus
from tongyou.readiness import places, screenings, supplies
from tongyou.readiness.models import FollowUp, Screening, Supply, SupplyNorm, SupplyStock
from tongyou.regions.models import Region
from tongyou.spaces.models import FacilityKind

from .helpers import HERE, THERE, answers, child, facility, today, user

pytestmark = pytest.mark.django_db


def test_every_orphan_and_unsupported_child_is_due_until_screened_and_again_after_the_cycle():
    director = user(Role.CHILD_DIRECTOR)
    orphan, unsupported = child(status=ChildStatus.ORPHAN), child(status=ChildStatus.DE_FACTO_UNSUPPORTED)
    child(status=ChildStatus.LEFT_BEHIND)  # not in the population
    child(community=THERE)  # not in the director's community
    assert {d.child for d in screenings.due(director)} == {orphan, unsupported}
    screenings.screen(director, orphan, answers())
    assert {d.child for d in screenings.due(director)} == {unsupported}
    later = today() + datetime.timedelta(days=screenings.cycle_days())
    assert orphan in {d.child for d in screenings.due(director, later)}


def test_each_risk_found_gets_a_follow_up_dealt_with_once():
    director = user(Role.CHILD_DIRECTOR)
    kid = child()
    screening = screenings.screen(director, kid, answers(housing="risk", emergency_contact="risk"))
    assert sorted(screening.risks) == ["emergency_contact", "housing"]
    item = FollowUp.objects.get(screening=screening, item="housing")
    with pytest.raises(Refusal, match="措施"):
        screenings.follow_up(director, item, "  ")
    screenings.follow_up(director, item, "联系住建部门加固")
    with pytest.raises(Refusal, match="已于"):
        screenings.follow_up(user(Role.STREET_OFFICER, "150104001"), FollowUp.objects.get(pk=item.pk), "再次")


@pytest.mark.parametrize("bad", [{}, {"housing": "maybe"}, {"housing": "<script>"}])
def test_a_checklist_not_fully_answered_is_refused_and_writes_nothing(bad):
    given = answers()
    given.update(bad) if bad else given.pop("housing")
    with pytest.raises(Refusal, match="逐项"):
        screenings.screen(user(Role.CHILD_DIRECTOR), child(), given)
    assert not Screening.objects.exists()


def test_only_the_population_is_screened_and_only_by_those_who_visit():
    with pytest.raises(Refusal, match="孤儿"):
        screenings.screen(user(Role.CHILD_DIRECTOR), child(status=ChildStatus.LEFT_BEHIND), answers())
    kid = child()
    for outsider in (
        user(Role.POLICE, "150104"),
        user(Role.RESEARCHER, "150104", unit="dsj"),
        user(Role.UNIT_OFFICER, "150104", unit="yjj"),
        user(Role.CHILD_DIRECTOR, THERE),
    ):
        with pytest.raises(PermissionDenied):
            screenings.screen(outsider, kid, answers())


def test_completion_counts_children_through_disclosure_control():
    director = user(Role.CHILD_DIRECTOR)
    kids = [child() for _ in range(6)]
    for kid in kids[:4]:
        screenings.screen(director, kid, answers(housing="risk") if kid == kids[0] else answers())
    office = user(Role.CASEWORKER, "150104", unit="mzj")  # reads records: exact
    street = next(r for r in screenings.completion(office) if r.area.code == "150104001000")
    assert (street.children, street.screened, street.share, street.open_risks) == (6, 4, 66.7, 1)
    researcher = user(Role.RESEARCHER, "150104", unit="dsj")
    protected = next(r for r in screenings.completion(researcher) if r.area.code == "150104001000")
    policy = disclosure.Policy.for_user(researcher)
    assert protected.children == disclosure.persons(disclosure.Signature.of(k.pk for k in kids), policy)
    assert protected.screened == disclosure.persons(disclosure.Signature.of(k.pk for k in kids[:4]), policy)


def test_a_dense_place_without_a_plan_or_past_its_drill_is_flagged():
    keeper = user(Role.UNIT_OFFICER, "150104", unit="yjj")
    school = facility()
    facility(FacilityKind.PARK, name="公园")  # not a dense place
    [row] = places.dense_places(keeper)
    assert row.facility == school and row.flagged
    places.save_plan(keeper, school, today() - datetime.timedelta(days=200), "安全副校长", 183)
    [row] = places.dense_places(keeper)
    assert row.flagged  # approved 200 days ago, never drilled: overdue
    places.record_drill(keeper, school, today() - datetime.timedelta(days=10), "evacuation", 500)
    [row] = places.dense_places(keeper)
    assert not row.flagged and row.drill_due == today() + datetime.timedelta(days=173)
    with pytest.raises(Refusal, match="已登记"):
        places.record_drill(keeper, school, today() - datetime.timedelta(days=10), "evacuation", 500)
    with pytest.raises(PermissionDenied):
        places.save_plan(user(Role.RESEARCHER, "150104", unit="dsj"), school, today(), "某", 183)


def test_supplies_never_go_below_zero_and_the_shortfall_follows_the_children():
    street = user(Role.STREET_OFFICER, "150104001")
    emergency = user(Role.UNIT_OFFICER, "150104", unit="yjj")
    supplies.set_norm(emergency, Supply.FORMULA, SupplyNorm.AgeGroup.INFANTS, "2")
    community = Region.objects.get(code=HERE)
    infants = [child(1, status=None) for _ in range(6)]
    supplies.move(street, community, Supply.FORMULA, 5)
    with pytest.raises(Refusal, match="库存只有5"):
        supplies.move(street, community, Supply.FORMULA, -6)
    assert SupplyStock.objects.get().quantity == 5
    columns, rows = supplies.supply_table(street)  # reads records: exact
    row = next(r for r in rows if r.area.code == HERE)
    cell = row.cells[[key for key, _ in columns].index(Supply.FORMULA)]
    assert (row.infants, cell.held, cell.needed, cell.shortfall) == (len(infants), 5, 12, 7)
    with pytest.raises(PermissionDenied):
        supplies.set_norm(street, Supply.NAPPIES, SupplyNorm.AgeGroup.INFANTS, "3")
    with pytest.raises(PermissionDenied):
        supplies.move(user(Role.STREET_OFFICER, "150104002"), community, Supply.FORMULA, 1)


@pytest.mark.parametrize("amount", ["abc", "-1", "0", "NaN", "1e9", ""])
def test_a_bad_norm_is_refused_in_chinese(amount):
    with pytest.raises(Refusal, match="每名儿童"):
        supplies.set_norm(user(Role.UNIT_OFFICER, "150104", unit="yjj"), Supply.FORMULA, "0-3", amount)


def test_a_protected_reader_sees_the_need_from_the_protected_count():
    researcher = user(Role.UNIT_OFFICER, "150104", unit="yjj")  # reads no records: protected
    supplies.set_norm(user(Role.UNIT_OFFICER, "150104", unit="yjj"), Supply.CLOTHING, "0-17", "1")
    kids = [child(5, status=None) for _ in range(3)]
    columns, rows = supplies.supply_table(researcher)
    row = next(r for r in rows if r.area.code == HERE)
    shown = disclosure.persons(
        disclosure.Signature.of(k.pk for k in kids), disclosure.Policy.for_user(researcher)
    )
    cell = row.cells[[key for key, _ in columns].index(Supply.CLOTHING)]
    assert row.children == shown
    assert cell.needed == (shown if shown is not None else disclosure.THRESHOLD)


def test_gs10_and_gs11_count_current_screenings_and_kinds_of_childrens_items_held():
    from tongyou.readiness.indicators import child_supply_kinds, orphan_screening
    from tongyou.regions.tree import RegionTree

    director = user(Role.CHILD_DIRECTOR)
    kids = [child() for _ in range(3)]
    screenings.screen(director, kids[0], answers())
    tree = RegionTree()
    numerators, denominators = orphan_screening(today(), tree)
    community = Region.objects.get(code=HERE).pk
    assert (numerators[community], denominators[community]) == (1, 3)
    later = today() + datetime.timedelta(days=screenings.cycle_days() + 1)
    assert orphan_screening(later, tree)[0].get(community, 0) == 0  # the screening has lapsed
    street = user(Role.STREET_OFFICER, "150104001")
    supplies.move(street, Region.objects.get(code=HERE), Supply.FORMULA, 5)
    supplies.move(street, Region.objects.get(code=HERE), Supply.NAPPIES, 2)
    supplies.move(street, Region.objects.get(code=HERE), Supply.NAPPIES, -2)
    supplies.move(street, Region.objects.get(code="150104001002"), Supply.FORMULA, 1)
    kinds, none = child_supply_kinds(today(), tree)
    assert none is None
    assert kinds[community] == 1  # nappies all issued
    assert kinds[Region.objects.get(code="150104001000").pk] == 1  # formula in two communities: one kind


def test_the_annual_report_gets_places_drills_supplies_and_screened_children_protected():
    from tongyou.readiness.indicators import task_facts

    keeper = user(Role.UNIT_OFFICER, "150104", unit="yjj")
    school = facility()
    places.save_plan(keeper, school, today() - datetime.timedelta(days=30), "安全副校长", 183)
    places.record_drill(keeper, school, today() - datetime.timedelta(days=5), "fire", 300)
    supplies.move(user(Role.STREET_OFFICER, "150104001"), Region.objects.get(code=HERE), Supply.BLANKETS, 3)
    kid = child()
    screenings.screen(user(Role.CHILD_DIRECTOR), kid, answers())
    facts = task_facts(today().year)
    assert "已制定应急预案1处，年内开展应急演练1次" in facts[0] and "儿童专用应急物资1类" in facts[0]
    shown = disclosure.persons(disclosure.Signature.of([kid.pk]), disclosure.PROTECTED)
    assert ("不足5" if shown is None else f"约{shown}人") in facts[1]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.integers(min_value=-50, max_value=50).filter(bool), min_size=1, max_size=20))
def test_stock_is_the_sum_of_the_movements_that_went_through_and_never_below_zero(changes):
    street = user(Role.STREET_OFFICER, "150104001")
    community = Region.objects.get(code=HERE)
    SupplyStock.objects.filter(region=community).delete()
    expected = 0
    for change in changes:
        try:
            supplies.move(street, community, Supply.MEDICINE, change)
        except Refusal:
            assert expected + change < 0  # refused only what would go below zero
        else:
            expected += change
        held = SupplyStock.objects.filter(region=community, item=Supply.MEDICINE).values_list(
            "quantity", flat=True
        )
        assert (held.first() or 0) == expected >= 0
