"""Children's councils: who may sit, who appoints, roll-off, sessions and the SP-03 indicator."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongyou.core.errors import Refusal
from tongyou.participation import codes, councils
from tongyou.participation.indicators import council_communities
from tongyou.participation.models import CouncilMember
from tongyou.regions.models import Region
from tongyou.regions.tree import RegionTree

from .helpers import COMMUNITY, DISTRICT, People, aged

pytestmark = pytest.mark.django_db
ChosenBy, Role = CouncilMember.ChosenBy, CouncilMember.Role


@pytest.fixture
def people():
    return People()


@pytest.fixture
def council(people):
    return councils.create_council(
        people.director,
        name="小召前街社区儿童议事会",
        region=Region.objects.get(code=COMMUNITY),
        founded_on=dt.date(2026, 1, 1),
    )


def _seat(people, council, child=None, role=Role.MEMBER, name="小雨", **fields):
    child = child or aged(10)
    if codes.current_consent(child) is None:
        people.consent(child)
    return councils.appoint(
        people.director, council, child, chosen_by=ChosenBy.SCHOOL, display_name=name, role=role, **fields
    )


def test_a_member_is_appointed_with_a_term_and_a_letter_number(people, council):
    member = _seat(people, council, term_start=dt.date(2026, 3, 1))
    assert member.term_end == dt.date(2029, 2, 28)
    assert member.letter_number.endswith("-2026-001")


def test_who_may_not_sit(people, council):
    with pytest.raises(Refusal, match="17|15"):
        _seat(people, council, child=aged(16))
    unconsented = aged(10)
    with pytest.raises(Refusal):
        councils.appoint(people.director, council, unconsented, chosen_by=ChosenBy.SELF, display_name="小雨")
    child = aged(10)
    _seat(people, council, child=child)
    with pytest.raises(Refusal):
        _seat(people, council, child=child, name="乐乐")  # one seat per child
    _seat(people, council, role=Role.CHAIR, name="朵朵")
    with pytest.raises(Refusal):
        _seat(people, council, role=Role.CHAIR, name="天天")  # one sitting chair


def test_a_community_appoints_its_children_to_the_district_council_and_sees_nothing_else(people):
    district = councils.create_council(
        people.coordinator,
        name="玉泉区儿童议事会",
        region=Region.objects.get(code=DISTRICT),
        founded_on=dt.date(2025, 1, 1),
    )
    member = _seat(people, district)
    with pytest.raises(Exception):  # noqa: B017 (the office cannot read the index: no appointing)
        councils.appoint(people.coordinator, district, aged(10), chosen_by=ChosenBy.SELF, display_name="小雨")
    director = Client()
    director.force_login(people.director)
    page = director.get(reverse("participation:council", args=[district.pk]))
    assert page.status_code == 200 and 'id="appoint-form"' in page.content.decode()
    assert 'id="session-form"' not in page.content.decode()  # sessions are the district office's
    assert director.get(reverse("participation:council_letter", args=[member.pk])).status_code == 200
    office = Client()
    office.force_login(people.coordinator)
    assert office.get(reverse("participation:council_letter", args=[member.pk])).status_code == 403
    assert (
        member.child.name
        in director.get(reverse("participation:council_letter", args=[member.pk])).content.decode()
    )


def test_seats_roll_off_at_the_terms_end_the_age_limit_or_when_consent_is_withdrawn(people, council):
    ends = _seat(people, council, child=aged(14), name="乐乐", term_start=dt.date(2024, 1, 1))
    grows = _seat(people, council, child=aged(15), name="朵朵")
    withdrawn = _seat(people, council, name="天天")
    stays = _seat(people, council, name="小雨")
    codes.withdraw_consent(codes.current_consent(withdrawn.child), people.director)
    in_a_year = timezone.localdate() + dt.timedelta(days=365)
    assert councils.roll_off(in_a_year) == 3
    reasons = {m.pk: m.left_because for m in CouncilMember.objects.all()}
    assert reasons == {ends.pk: "term", grows.pk: "age", withdrawn.pk: "consent", stays.pk: ""}
    assert councils.roll_off(in_a_year) == 0


def test_a_session_records_only_members_present_and_feeds_sp03(people, council):
    member = _seat(people, council)
    other = councils.create_council(
        people.street,
        name="另一个",
        region=Region.objects.get(code="150104001000"),
        founded_on=dt.date(2026, 1, 1),
    )
    stranger = _seat(people, other, name="乐乐")
    with pytest.raises(Refusal):
        councils.record_session(
            people.director, council, held_on=timezone.localdate(), agenda="议题", attendees=[stranger]
        )
    with pytest.raises(Refusal):
        councils.record_session(
            people.director, council, held_on=timezone.localdate() + dt.timedelta(days=1), agenda="议题"
        )
    councils.record_session(
        people.director, council, held_on=timezone.localdate(), agenda="议题", attendees=[member]
    )
    councils.record_session(people.street, other, held_on=timezone.localdate(), agenda="街道议题")
    tree = RegionTree()
    numerators, denominators = council_communities(timezone.localdate(), tree)
    community = Region.objects.get(code=COMMUNITY)
    street = community.parent
    assert numerators[community.pk] == 1 and denominators[community.pk] == 1
    # the street's own council does not count for any community
    assert (
        numerators[street.pk] == 1
        and denominators[street.pk]
        == Region.objects.filter(parent=street, level=Region.Level.COMMUNITY).count()
    )
    assert numerators[tree.district] == 1
    last_year = timezone.localdate().replace(year=timezone.localdate().year + 1)
    assert council_communities(last_year, tree)[0][tree.district] == 0


def test_training_needs_a_length(people, council):
    member = _seat(people, council)
    with pytest.raises(Refusal):
        councils.record_training(
            people.director, council.region, title="培训", held_on=timezone.localdate(), hours=Decimal(0)
        )
    training = councils.record_training(
        people.director,
        council.region,
        title="儿童权利公约",
        held_on=timezone.localdate(),
        hours=Decimal("1.5"),
        attendees=[member],
    )
    assert list(training.attendees.all()) == [member]


def test_the_annual_report_is_told_what_participation_did_in_the_year(people, council):
    from tongyou.core.registry import registry
    from tongyou.participation import proposals

    member = _seat(people, council)
    councils.record_session(
        people.director, council, held_on=timezone.localdate(), agenda="议题", attendees=[member]
    )
    process = people.process()
    participant, _code = people.participant(process)
    proposals.file_as_child(participant, title="秋千坏了", problem="链子断了。")
    from tongyou.core import disclosure
    from tongyou.participation.reach import took_part

    year = timezone.localdate().year
    facts = registry.facts_for("1.3", year)
    assert facts[0].startswith("儿童议事会1个，年内议事1次")
    # the children counted as every protected reader sees them (perturbed, "<5" below five)
    shown = disclosure.persons(disclosure.Signature.of(took_part(year)), disclosure.PROTECTED)
    assert "收到儿童建议1条" in facts[1] and f"参与儿童约{'不足5' if shown is None else shown}人" in facts[2]
    assert registry.facts_for("1.3", 2001) == []
