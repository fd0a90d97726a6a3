"""The catalog, the plan's measures, and indicators computed from the registries, checked against
a small district counted by hand."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.datahub.codes import ChildStatus
from tongyou.datahub.models import Disability, Enrolment, InsuranceEnrolment, StatusPeriod
from tongyou.monitoring import values
from tongyou.monitoring.models import Indicator, IndicatorValue, PlanTask
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory
from tongyou.welfare import harm
from tongyou.welfare.models import AllowanceApplication, HarmAction, Visit

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 29)
STREET_A, STREET_B = "150104001000", "150104002000"
GRID_A, GRID_B = "150104001001001", "150104002001001"
SINCE = datetime.date(2025, 1, 1)


def unit(code):
    return Unit.objects.get(code=code)


def child(grid, age, **kwargs):
    return ChildFactory(
        residence_region=Region.objects.get(code=grid),
        birth_date=DAY.replace(year=DAY.year - age) - datetime.timedelta(days=30),
        **kwargs,
    )


def value(code, region_code, period="2026"):
    found = IndicatorValue.objects.get(
        indicator__code=code, period=period, region__code=region_code, source="computed"
    )
    return found.numerator, found.denominator, found.value


def test_the_catalog_has_the_50_research_indicators_and_four_from_the_plan_with_units_tasks_and_targets():
    assert (
        Indicator.objects.count() == 57
    )  # the research catalog's 50, five from the plan's tasks, two of (b.3)
    public_share = Indicator.objects.get(code="PS-06")
    assert [(t.value, t.year) for t in public_share.targets.all()] == [(Decimal("60.00"), 2025)]
    assert [u.code for u in public_share.source_units.all()] == ["jyj"]
    assert [str(t) for t in public_share.tasks.all()] == [
        "(二)2 推进基础教育优质均衡发展"
    ] or public_share.tasks.count() == 1
    assert set(Indicator.objects.exclude(calculator="").values_list("code", flat=True)) >= {
        "SP-01",
        "PS-04",
        "PS-06",
        "PS-07",
        "PS-08",
        "RP-01",
        "RP-03",
        "RP-07",
        "DE-04",
        "MG-01",
        "MG-02",
    }


def test_every_task_of_the_plan_has_at_least_one_indicator():
    bare = PlanTask.objects.filter(area__plan__is_current=True, indicators=None)
    assert not bare.exists(), [str(t) for t in bare]
    assert {i.code for i in Indicator.objects.filter(code__in=["PS-17", "SP-07", "DE-07", "PR-03"])} == {
        "PS-17",
        "SP-07",
        "DE-07",
        "PR-03",
    }
    online = Indicator.objects.get(code="DE-07")
    assert set(online.source_units.values_list("code", flat=True)) == {"gafj", "wxb"}


def test_each_task_keeps_its_numbered_measures_as_the_plan_writes_them():
    task = PlanTask.objects.get(area__number=1, number=2)
    assert [s.label for s in task.sub_items.all()] == ["（1）", "（2）", "（3）", "（4）", "（5）", "（6）"]
    assert task.sub_items.first().text.startswith("将儿童友好理念纳入国土空间规划")
    # The plan numbers (三)3's measures 1, 2, 2, 4…: kept as written, not renumbered.
    labels = [s.label for s in PlanTask.objects.get(area__number=3, number=3).sub_items.all()]
    assert labels[:3] == ["（1）", "（2）", "（2）"]


@pytest.fixture
def small_district(make_user):
    """Counted by hand: street A has 3 kindergarten children (2 public, 1 private), street B one
    (inclusive); 5 children under 18 and one of 19; 3 insured."""
    a1, a2, a3 = child(GRID_A, 4), child(GRID_A, 4), child(GRID_A, 5)
    b1 = child(GRID_B, 3)
    older = child(GRID_B, 12)
    child(GRID_A, 19)  # not a child any more: counts nowhere
    for kid, ownership in ((a1, "public"), (a2, "public"), (a3, "private"), (b1, "inclusive")):
        Enrolment.objects.create(
            child=kid,
            unit=unit("jyj"),
            institution="幼儿园",
            institution_kind="kindergarten",
            ownership=ownership,
            valid_from=SINCE,
        )
    for kid in (a1, b1, older):
        InsuranceEnrolment.objects.create(child=kid, unit=unit("ybj"), scheme="resident", valid_from=SINCE)
    return {"a": [a1, a2, a3], "b": [b1, older]}


def test_kindergarten_shares_and_insurance_coverage_match_a_hand_count(small_district):
    values.compute("2026", today=DAY)
    assert value("PS-06", "150104000000") == (Decimal(2), Decimal(4), Decimal("50.00"))
    assert value("PS-06", STREET_A)[2] == Decimal("66.67")
    assert value("PS-06", STREET_B)[2] == Decimal("0.00")
    assert value("PS-07", "150104000000")[2] == Decimal("75.00")
    assert value("PS-04", "150104000000") == (Decimal(3), Decimal(5), Decimal("60.00"))
    assert value("SP-01", "150104000000")[2] == Decimal(5)
    assert value("SP-01", "150104001001")[2] == Decimal(3)  # the community of grid A


def test_welfare_indicators_match_a_hand_count(make_user):
    caseworker = make_user(Role.CASEWORKER)
    covered, waiting = child(GRID_A, 8), child(GRID_B, 9)
    for kid in (covered, waiting):
        StatusPeriod.objects.create(child=kid, unit=unit("mzj"), status=ChildStatus.ORPHAN, valid_from=SINCE)
    AllowanceApplication.objects.create(
        child=covered,
        category="orphan",
        applicant_name="祖母",
        filed_by=caseworker,
        status="active",
        payment_start=SINCE,
    )
    Visit.objects.create(
        child=covered, visited_on=DAY - datetime.timedelta(days=10), visitor=caseworker, risk="low"
    )
    Visit.objects.create(
        child=waiting, visited_on=DAY - datetime.timedelta(days=200), visitor=caseworker, risk="low"
    )
    in_school, at_home = child(GRID_A, 8), child(GRID_A, 10)
    for kid in (in_school, at_home):
        Disability.objects.create(
            child=kid, unit=unit("cl"), disability_type="4", grade="2", valid_from=SINCE
        )
    Enrolment.objects.create(
        child=in_school,
        unit=unit("jyj"),
        institution="小学",
        institution_kind="primary",
        ownership="public",
        valid_from=SINCE,
    )
    values.compute("2026", today=DAY)
    assert value("RP-01", "150104000000") == (Decimal(1), Decimal(2), Decimal("50.00"))
    assert value("RP-03", "150104000000")[2] == Decimal("50.00")
    assert value("RP-07", "150104000000") == (Decimal(1), Decimal(2), Decimal("50.00"))
    assert value("PS-08", "150104000000") == (Decimal(1), Decimal(2), Decimal("50.00"))


def test_harm_report_response_counts_reports_triaged_within_the_clock(make_user):
    police = make_user(Role.POLICE)
    region = Region.objects.get(code="150104001001")
    quick = harm.receive(situation="6", description="无人照看", region=region)
    harm.receive(situation="6", description="无人照看", region=region)
    harm.triage(quick, police, "urgent", "police")
    values.compute(str(timezone.localdate().year))
    assert value("DE-04", "150104000000", str(timezone.localdate().year)) == (
        Decimal(1),
        Decimal(2),
        Decimal("50.00"),
    )
    assert HarmAction.objects.count() == 1


def test_impossible_reported_values_are_refused_with_a_clear_message():
    share = Indicator.objects.get(code="PS-05")
    with pytest.raises(Refusal) as refused:
        values.check(share, Decimal(120), Decimal(100), None)
    assert refused.value.errors == ["分子（120）大于分母（100）。"]
    with pytest.raises(Refusal, match="不能为负数"):
        values.check(share, Decimal(-1), Decimal(100), None)
    count = Indicator.objects.get(code="PS-02")
    assert values.check(count, Decimal(4), None, None) == Decimal(4)
    with pytest.raises(Refusal, match="比例不能超过100%"):
        values.check(Indicator.objects.get(code="RP-02"), Decimal(130), Decimal(130), Decimal(130))


def test_a_sudden_jump_needs_an_explanation():
    share = Indicator.objects.get(code="PS-05")
    district = Region.objects.get(code="150104000000")
    previous = IndicatorValue(indicator=share, period="2025", region=district, value=Decimal("60.00"))
    with pytest.raises(Refusal, match="请在说明中解释"):
        values.check(share, Decimal(95), Decimal(100), None, previous)
    assert values.check(share, Decimal(95), Decimal(100), None, previous, note="新开办3所公办园") == Decimal(
        "95.00"
    )


def test_traffic_lights_compare_with_the_nearest_target():
    public_share = Indicator.objects.get(code="PS-06")
    assert values.light(public_share, Decimal("61"), 2025)[0] == "green"
    assert values.light(public_share, Decimal("55"), 2025)[0] == "amber"
    assert values.light(public_share, Decimal("40"), 2025)[0] == "red"
    assert values.light(public_share, None, 2025)[0] == "grey"
    mortality = Indicator.objects.get(code="PS-09")  # lower is better
    assert values.light(mortality, Decimal("4.1"), 2025)[0] == "green"
    assert values.light(mortality, Decimal("7.5"), 2025)[0] == "red"


def test_periods_are_named_as_dhis2_names_them():
    assert values.period_bounds("2026Q3") == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    assert values.previous_period("2026Q1") == "2025Q4"
    assert values.previous_period("2026") == "2025"
    with pytest.raises(ValueError, match="2026Q3"):
        values.period_bounds("26年")


def test_nursery_counts_come_from_the_facility_registry():
    from tongyou.spaces.models import Facility

    community = Region.objects.get(code="150104001001")
    for kind in ("nursery_public", "nursery_public", "nursery_community"):
        Facility.objects.create(name=kind, kind=kind, region=community, latitude=40.79, longitude=111.65)
    values.compute("2026", today=DAY)
    assert value("PS-02", "150104000000")[2] == Decimal(2)
    assert value("PS-02", STREET_A)[2] == Decimal(2)
    assert value("PS-03", "150104000000")[2] == Decimal(1)


def test_nursery_places_per_thousand_residents_by_street():
    from tongyou.spaces.models import Facility, Population

    community = Region.objects.get(code="150104001001")
    Facility.objects.create(
        name="公立托育园",
        kind="nursery_public",
        region=community,
        latitude=40.79,
        longitude=111.65,
        capacity=150,
    )
    Facility.objects.create(
        name="社区托育园",
        kind="nursery_community",
        region=community,
        latitude=40.79,
        longitude=111.65,
        capacity=90,
    )
    Population.objects.create(region=Region.objects.get(code=STREET_A), year=2025, population=60_000)
    Population.objects.create(region=Region.objects.get(code="150104000000"), year=2026, population=400_000)
    values.compute("2026", today=DAY)
    assert value("PS-01", STREET_A) == (Decimal(240), Decimal(60_000), Decimal("4.00"))  # 240 × 1000 / 60,000
    assert value("PS-01", "150104000000")[2] == Decimal("0.60")
    assert not IndicatorValue.objects.filter(
        indicator__code="PS-01", region__code=STREET_B
    ).exists()  # no population


def test_monitored_venues_count_those_inspected_in_the_year(make_user):
    from tongyou.spaces.inspections import record_inspection
    from tongyou.spaces.models import Facility

    community = Region.objects.get(code="150104001001")
    officer = make_user(Role.STREET_OFFICER, STREET_A)
    venues = [
        Facility.objects.create(name=kind, kind=kind, region=community, latitude=40.79, longitude=111.65)
        for kind in ("play_area", "training", "training", "sports")
    ]
    Facility.objects.create(
        name="幼儿园", kind="kindergarten_public", region=community, latitude=40.79, longitude=111.65
    )
    record_inspection(venues[0], officer, set(), on=datetime.date(2026, 3, 2))
    record_inspection(venues[0], officer, set(), on=datetime.date(2026, 9, 1))  # twice: still one venue
    record_inspection(venues[1], officer, set(), on=datetime.date(2026, 5, 6))
    record_inspection(venues[3], officer, set(), on=datetime.date(2025, 12, 30))  # last year
    values.compute("2026", today=DAY)
    assert value("GS-08", STREET_A) == (Decimal(2), Decimal(4), Decimal("50.00"))


def test_play_space_reach_counts_children_0_to_12_near_a_play_area(settings):
    from tongyou.spaces.models import Facility

    settings.SPACES_DETOUR_FACTOR = 1.0
    near = Region.objects.get(code=GRID_A)
    for age in (2, 7, 12, 13):  # 13 is too old
        child(GRID_A, age)
    child(GRID_B, 5)
    Facility.objects.create(
        name="口袋公园",
        kind="pocket_park",
        region=near.parent,
        latitude=float(near.centroid_lat) + 0.001,  # 111 m
        longitude=float(near.centroid_lng),
    )
    values.compute("2026", today=DAY)
    assert value("GS-09", STREET_A) == (Decimal(3), Decimal(3), Decimal("100.00"))
    assert value("GS-09", "150104000000") == (Decimal(3), Decimal(4), Decimal("75.00"))


def test_public_place_and_designation_indicators_match_a_hand_count(make_user):
    from tongyou.spaces.inspections import record_inspection, rectify
    from tongyou.spaces.models import Designation, Facility

    def place(kind, community, name=None):
        return Facility.objects.create(
            name=name or kind,
            kind=kind,
            region=Region.objects.get(code=community),
            latitude=40.79,
            longitude=111.65,
        )

    officer = make_user(Role.COORDINATOR)
    mall, station, park = (place("public_place", c) for c in ("150104001001", "150104001002", "150104002001"))
    record_inspection(mall, officer, {"mother_baby_room", "equipment"}, on=datetime.date(2026, 3, 1))
    failed = record_inspection(station, officer, set(), on=datetime.date(2026, 3, 1))
    record_inspection(park, officer, set(), on=datetime.date(2026, 3, 1))
    rectify(failed.findings.get(item__code="mother_baby_room"), officer)  # built since
    # GS-02: the mall and the station (rectified) have their room, the park not.
    for kind, community, on in (
        ("street", "150104001001", datetime.date(2025, 6, 1)),
        ("community", "150104002003", datetime.date(2026, 12, 5)),
    ):
        Designation.objects.create(facility=place("childrens_home", community), kind=kind, designated_on=on)
    values.compute("2026", today=DAY)
    assert value("GS-02", "150104000000") == (Decimal(2), Decimal(3), Decimal("66.67"))
    assert value("GS-02", STREET_A)[2] == Decimal("100.00")
    assert value("GS-03", "150104000000")[2] == Decimal(1)
    # GS-06: the only community designation is after the period's end (2026-11-29).
    assert value("GS-06", "150104000000")[0] == Decimal(0)
    # GS-07: children's homes in 150104001001 and 150104002003, of the district's communities.
    communities = Region.objects.filter(level=Region.Level.COMMUNITY)
    assert value("GS-07", "150104000000")[:2] == (Decimal(2), Decimal(communities.count()))
    in_street_a = communities.filter(code__startswith="150104001").count()
    assert value("GS-07", STREET_A)[:2] == (Decimal(1), Decimal(in_street_a))
    assert value("GS-07", "150104001001")[:2] == (Decimal(1), Decimal(1))


def test_bus_hubs_meet_the_standard_by_their_latest_inspection(make_user):
    from tongyou.spaces.inspections import record_inspection, rectify
    from tongyou.spaces.models import Facility

    officer = make_user(Role.COORDINATOR)
    community = Region.objects.get(code="150104001001")
    hubs = [
        Facility.objects.create(
            name=f"枢纽站{n}", kind="bus_hub", region=community, latitude=40.79, longitude=111.65
        )
        for n in range(5)
    ]
    everything = {"mother_baby_room", "child_toilet", "child_basin"}
    # 0: never inspected; 1: all in place; 2: a child basin missing; 3: missing, then rectified;
    # 4: missing last year, all in place at the latest inspection.
    record_inspection(hubs[1], officer, everything, on=datetime.date(2026, 5, 1))
    record_inspection(hubs[2], officer, everything - {"child_basin"}, on=datetime.date(2026, 5, 1))
    missing = record_inspection(hubs[3], officer, everything - {"child_basin"}, on=datetime.date(2026, 5, 1))
    rectify(missing.findings.get(passed=False), officer)
    record_inspection(hubs[4], officer, set(), on=datetime.date(2025, 5, 1))
    record_inspection(hubs[4], officer, everything, on=datetime.date(2026, 5, 1))
    values.compute("2026", today=DAY)
    assert value("GS-01", "150104000000") == (Decimal(3), Decimal(5), Decimal("60.00"))


def test_no_data_not_yet_due_and_a_real_zero_are_three_different_things(small_district):
    from tongyou.monitoring.demo import open_demo_round

    open_demo_round()  # this year's round, due 31 December: on-time reporting is not yet due
    period = str(timezone.localdate().year)

    def cell(code):
        return IndicatorValue.objects.filter(indicator__code=code, period=period, region__level=1).first()

    allowance = Indicator.objects.get(calculator="allowance_coverage")
    on_time = Indicator.objects.get(calculator="reports_on_time")
    assert not AllowanceApplication.objects.exists()
    assert cell(allowance.code) is None  # the register is not in use: no data, never a red 0 %
    not_yet = cell(on_time.code)
    assert not_yet is not None and not_yet.value is None  # computed, nothing to count yet
    assert values.light(on_time, not_yet.value, int(period))[0] == "grey"
