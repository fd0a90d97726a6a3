"""萌阅: entitlements from the master index, packs out of stock into children's hands once, and
coverage against the children registered — with every refusal a clerk or an adversary meets."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.datahub.codes import ChildStatus
from tongyou.datahub.models import StatusPeriod
from tongyou.reading import coverage, deliveries, entitlements
from tongyou.reading.entitlements import age_in_months, months_before
from tongyou.reading.models import Delivery, Entitlement, Stock, Variant
from tongyou.regions.models import Region

from .helpers import HERE, THERE, TODAY, born, health_officer, milestones, point, user

pytestmark = pytest.mark.django_db
Status = Entitlement.Status
DAYS = st.dates(datetime.date(2016, 1, 1), datetime.date(2030, 12, 31))


@given(birth=DAYS, day=DAYS, months=st.integers(0, 100))
def test_age_in_months_and_months_before_agree(birth, day, months):
    """At least n months old exactly when born on or before the day n months back (month ends,
    29 February)."""
    if birth > day:
        return
    assert (age_in_months(birth, day) >= months) == (birth <= months_before(day, months))


def test_every_registered_child_of_a_pack_age_is_entitled_without_signing_up():
    birth_pack, toddler_pack, *_ = milestones()
    newborn, toddler, too_old = born(0), born(20), born(90)
    created = entitlements.sync(TODAY)
    assert created.created == 2
    assert Entitlement.objects.get(child=newborn).milestone == birth_pack
    assert Entitlement.objects.get(child=toddler).milestone == toddler_pack
    assert not Entitlement.objects.filter(child=too_old).exists()
    assert entitlements.sync(TODAY).created == 0  # the daily job again: nothing twice


def test_a_pack_whose_age_passes_undelivered_lapses_and_the_next_one_is_due():
    birth_pack, toddler_pack, *_ = milestones()
    child = born(11)
    entitlements.sync(TODAY)
    later = TODAY + datetime.timedelta(days=40)
    result = entitlements.sync(later)
    assert result.lapsed == 1
    assert Entitlement.objects.get(child=child, milestone=birth_pack).status == Status.LAPSED
    assert Entitlement.objects.get(child=child, milestone=toddler_pack).status == Status.DUE


@pytest.fixture
def stocked():
    packs = milestones()
    here = point()
    keeper = user(Role.CHILD_DIRECTOR)
    deliveries.receive(keeper, here, packs[0], Variant.STANDARD, 2, TODAY)
    return packs, here, keeper


def test_a_newborn_gets_a_pack_at_the_point_the_stock_falls_and_it_is_given_once(stocked):
    packs, here, director = stocked
    child = born(1)
    entitlements.sync(TODAY)
    entitlement = Entitlement.objects.get(child=child)
    delivery = deliveries.deliver(
        director,
        entitlement,
        point=here,
        channel=Delivery.Channel.PICKUP,
        given_on=TODAY,
        guardian_confirmed=True,
    )
    assert delivery.given_by == director
    assert deliveries.in_stock(here, packs[0], Variant.STANDARD) == 1
    entitlement.refresh_from_db()
    assert entitlement.status == Status.DELIVERED
    with pytest.raises(Refusal, match="已经发放|already delivered"):
        deliveries.deliver(
            director, entitlement, point=here, channel=Delivery.Channel.PICKUP, guardian_confirmed=True
        )
    assert deliveries.in_stock(here, packs[0], Variant.STANDARD) == 1  # nothing taken for the refusal


def test_a_delivery_needs_the_guardians_confirmation_stock_and_a_sane_date(stocked):
    packs, here, director = stocked
    child = born(2)
    entitlements.sync(TODAY)
    entitlement = Entitlement.objects.get(child=child)
    with pytest.raises(Refusal):
        deliveries.deliver(director, entitlement, point=here, channel="pickup", guardian_confirmed=False)
    with pytest.raises(Refusal):  # no bilingual birth packs were received
        deliveries.deliver(
            director,
            entitlement,
            point=here,
            channel="pickup",
            variant=Variant.BILINGUAL,
            guardian_confirmed=True,
        )
    with pytest.raises(Refusal):
        deliveries.deliver(
            director,
            entitlement,
            point=here,
            channel="pickup",
            given_on=datetime.date.today() + datetime.timedelta(days=1),
            guardian_confirmed=True,
        )
    with pytest.raises(Refusal):
        deliveries.deliver(director, entitlement, point=here, channel="by drone", guardian_confirmed=True)
    assert not Delivery.objects.exists()
    assert deliveries.in_stock(here, packs[0], Variant.STANDARD) == 2


def test_stock_receipts_refuse_absurd_numbers_and_strangers(stocked):
    packs, here, director = stocked
    for quantity in (0, -3, 10**9):
        with pytest.raises(Refusal):
            deliveries.receive(director, here, packs[0], Variant.STANDARD, quantity, TODAY)
    with pytest.raises(PermissionDenied):
        deliveries.receive(user(Role.CHILD_DIRECTOR, THERE), here, packs[0], Variant.STANDARD, 5, TODAY)
    with pytest.raises(PermissionDenied):
        deliveries.receive(user(Role.RESEARCHER, "150104"), here, packs[0], Variant.STANDARD, 5, TODAY)
    assert Stock.objects.get().quantity == 2


def test_only_those_serving_the_childs_area_hand_the_pack_over(stocked):
    _packs, here, _director = stocked
    child = born(1)
    entitlements.sync(TODAY)
    entitlement = Entitlement.objects.get(child=child)
    for stranger in (
        user(Role.CHILD_DIRECTOR, THERE),
        user(Role.POLICE, "150104"),
        user(Role.RESEARCHER, "150104"),
    ):
        with pytest.raises(PermissionDenied):
            deliveries.deliver(stranger, entitlement, point=here, channel="pickup", guardian_confirmed=True)
    clinic = point("150104", kind="clinic", name="区妇幼保健院")
    officer = health_officer()
    deliveries.receive(officer, clinic, entitlement.milestone, Variant.STANDARD, 1, TODAY)
    deliveries.deliver(officer, entitlement, point=clinic, channel="health_check", guardian_confirmed=True)
    assert Delivery.objects.get().point == clinic


def test_a_child_who_moves_is_on_the_new_communitys_list_not_the_old_one():
    milestones()
    child = born(30)
    entitlements.sync(TODAY)
    old, new = user(Role.CHILD_DIRECTOR, HERE), user(Role.CHILD_DIRECTOR, THERE)
    assert [e.child for e in coverage.unreached(old)] == [child]
    child.residence_region = Region.objects.filter(
        path__contains=f"/{THERE}/", level=Region.Level.GRID
    ).first()
    child.save()
    assert list(coverage.unreached(old)) == []
    assert [e.child for e in coverage.unreached(new)] == [child]
    with pytest.raises(PermissionDenied):
        coverage.unreached(user(Role.RESEARCHER, "150104"))


def test_a_pack_that_could_not_be_given_keeps_the_child_on_the_list_with_the_reason(stocked):
    _packs, _here, director = stocked
    child = born(3)
    entitlements.sync(TODAY)
    entitlement = Entitlement.objects.get(child=child)
    with pytest.raises(Refusal):
        deliveries.not_delivered(director, entitlement, "other", note="  ")
    deliveries.not_delivered(director, entitlement, "unreachable", note="电话停机")
    assert [e.pk for e in coverage.unreached(director)] == [entitlement.pk]


def _cell(table, community, column_key):
    index = [key for key, _label in table.columns].index(column_key)
    return next(cells[index] for area, cells in table.rows if area.code == community)


def test_coverage_counts_delivered_packs_against_registered_children_and_moves_with_a_delivery(stocked):
    packs, here, director = stocked
    babies = [born(m) for m in (0, 2, 5)]
    born(3, community=THERE)
    entitlements.sync(TODAY)
    office = user(Role.CASEWORKER, "150104")  # reads records: exact figures
    before = _cell(coverage.coverage(office, today=TODAY), HERE, str(packs[0].pk))
    assert (before.registered, before.reached) == (3, 0)
    deliveries.deliver(
        director,
        Entitlement.objects.get(child=babies[0]),
        point=here,
        channel="pickup",
        guardian_confirmed=True,
    )
    after = _cell(coverage.coverage(office, today=TODAY), HERE, str(packs[0].pk))
    assert (after.registered, after.reached, after.share) == (3, 1, 33.3)


def test_coverage_by_group_counts_each_group_and_protects_a_researchers_figures(stocked):
    packs, here, director = stocked
    left_behind = [born(m) for m in (1, 4, 6, 8, 9, 10)]
    born(2)
    for child in left_behind:
        StatusPeriod.objects.create(
            child=child,
            unit=Unit.objects.get(code="mzj"),
            status=ChildStatus.LEFT_BEHIND,
            valid_from=datetime.date(2026, 1, 1),
        )
    entitlements.sync(TODAY)
    deliveries.deliver(
        director,
        Entitlement.objects.get(child=left_behind[0]),
        point=here,
        channel="pickup",
        guardian_confirmed=True,
    )
    office = user(Role.CASEWORKER, "150104")
    exact = _cell(coverage.coverage(office, cut="group", today=TODAY), HERE, "left_behind")
    assert (exact.registered, exact.reached) == (6, 1)
    researcher = user(Role.RESEARCHER, "150104")
    protected = coverage.coverage(researcher, cut="group", today=TODAY)
    assert protected.protected
    cell = _cell(protected, HERE, "left_behind")
    policy = disclosure.Policy.for_user(researcher)
    # Differencing: each figure is the disclosure module's answer for the very set behind it, so
    # two tables whose sets differ by one child never give that child away by subtraction.
    assert cell.registered == disclosure.persons(disclosure.Signature.of(c.pk for c in left_behind), policy)
    assert cell.reached == disclosure.persons(disclosure.Signature.of([left_behind[0].pk]), policy)


def test_gs04_counts_children_with_the_pack_of_their_age_of_all_registered_0_to_6(stocked):
    from tongyou.reading.indicators import reading_packs, task_facts
    from tongyou.regions.tree import RegionTree

    packs, here, director = stocked
    given, waiting = born(1), born(3)
    born(2, community=THERE)
    born(100)  # seven and over: not counted
    entitlements.sync(TODAY)
    deliveries.deliver(
        director, Entitlement.objects.get(child=given), point=here, channel="pickup", guardian_confirmed=True
    )
    tree = RegionTree()
    today = datetime.date.today()
    numerators, denominators = reading_packs(today, tree)
    community = Region.objects.get(code=HERE)
    assert (numerators[community.pk], denominators[community.pk]) == (1, 2)
    assert (numerators[tree.district], denominators[tree.district]) == (1, 3)
    assert waiting.pk  # registered, not yet reached: in the denominator only
    facts = task_facts(today.year)
    shown = disclosure.persons(disclosure.Signature.of([given.pk]), disclosure.PROTECTED)
    assert facts and "发放阅读礼包1份" in facts[0]
    assert ("不足5" if shown is None else f"约{shown}人") in facts[1]  # protected, as every reader sees it


def test_a_child_who_leaves_the_district_is_closed_and_counted_no_more_until_back():
    packs = milestones()
    child, stays = born(14), born(15)
    entitlements.sync(TODAY)
    director = user(Role.CHILD_DIRECTOR)
    office = user(Role.CASEWORKER, "150104")
    before = _cell(coverage.coverage(office, today=TODAY), HERE, str(packs[1].pk))
    departure = deliveries.left_district(director, child)
    assert Entitlement.objects.get(child=child).status == Status.CLOSED
    assert [e.child for e in coverage.unreached(director)] == [stays]
    assert entitlements.sync(TODAY).created == 0  # nothing due again while away
    after = _cell(coverage.coverage(office, today=TODAY), HERE, str(packs[1].pk))
    assert after.registered == before.registered - 1  # served no more: out of the denominator
    with pytest.raises(Refusal):
        deliveries.left_district(director, child)  # twice
    with pytest.raises(PermissionDenied):
        deliveries.left_district(user(Role.CHILD_DIRECTOR, THERE), stays)
    deliveries.came_back(director, departure)
    assert Entitlement.objects.get(child=child).status == Status.DUE
    with pytest.raises(Refusal):
        deliveries.came_back(director, departure)  # twice
    deliveries.left_district(director, child)  # and away again: the history is kept
    assert child.reading_departures.count() == 2
