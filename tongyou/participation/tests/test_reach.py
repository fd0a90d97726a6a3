"""Who takes part against who lives there: the table matches a hand count, for those who read
the records exactly, and through disclosure control for everyone else."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongyou.core import disclosure
from tongyou.datahub.codes import ChildStatus
from tongyou.datahub.models import Child, StatusPeriod
from tongyou.participation import proposals, reach, surveys
from tongyou.participation.models import Proposal
from tongyou.regions.models import Region

from .helpers import COMMUNITY, People, aged

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return People()


def _band(child, day):
    age = (
        day.year
        - child.birth_date.year
        - ((day.month, day.day) < (child.birth_date.month, child.birth_date.day))
    )
    return next(f"{lo}-{hi}" for lo, hi in disclosure.AGE_BAND_EDGES if lo <= age <= hi)


def test_the_reach_table_matches_a_hand_count(people):
    process = people.process()
    heard = []
    for years in (8, 9, 10, 13):
        participant, _code = people.participant(process, child=aged(years), display_name="乐乐")
        proposals.file_as_child(participant, title="想法", problem="问题")
        heard.append(participant.child)
    survey = surveys.create_survey(people.street, process, title="问卷", intro="", questions="好吗？ | 笑脸")
    answered = aged(11)
    people.consent(answered)
    surveys.answer_on_paper(
        people.director,
        survey,
        answered,
        {survey.questions.get().pk: [survey.questions.get().options.first().pk]},
    )
    heard.append(answered)
    silent = [aged(years) for years in (8, 12, 16)]
    year, day = timezone.localdate().year, timezone.localdate()
    table = reach.reach(people.street, year=year, dimension="age")
    community = Region.objects.get(code=COMMUNITY)
    row = dict(table.rows)[community]
    keys = [key for key, _label in table.columns]
    everyone = Child.objects.filter(residence_region__path__startswith=community.path)
    for key, cell in zip(keys, row, strict=True):
        residents = [c for c in everyone if c.birth_date <= day and _band(c, day) == key]
        took = [c for c in heard if _band(c, day) == key]
        assert (cell.residents, cell.took_part) == (len(residents), len(took)), key
    assert silent  # children who never took part count among the residents only

    protected = reach.reach(people.coordinator, year=year, dimension="age")
    prow = dict(protected.rows)[community]
    for key, cell in zip(keys, prow, strict=True):
        took = [c.pk for c in heard if _band(c, day) == key]
        assert cell.took_part == disclosure.persons(disclosure.Signature.of(took), disclosure.PROTECTED)


def test_groups_count_children_in_each_group(people):
    process = people.process()
    left_behind = aged(10)
    StatusPeriod.objects.create(
        child=left_behind,
        unit=people.education.unit,
        status=ChildStatus.LEFT_BEHIND,
        valid_from=dt.date(2020, 1, 1),
    )
    participant, _code = people.participant(process, child=left_behind)
    proposals.file_as_child(participant, title="想法", problem="问题")
    table = reach.reach(people.street, year=timezone.localdate().year, dimension="group")
    cells = dict(
        zip([k for k, _ in table.columns], dict(table.rows)[Region.objects.get(code=COMMUNITY)], strict=True)
    )
    assert (cells["left_behind"].residents, cells["left_behind"].took_part) == (1, 1)
    assert cells["left_behind"].share == 100.0


def test_a_withdrawn_proposal_is_not_taking_part_and_units_on_time_are_counted(people):
    process = people.process(stage="proposals")
    participant, _code = people.participant(process)
    proposal = proposals.file_as_child(participant, title="想法", problem="问题")
    proposals.take_step(proposal, "approve", people.street)
    proposals.take_step(proposal, "assign", people.street, unit=people.education.unit)
    Proposal.objects.filter(pk=proposal.pk).update(reply_due=timezone.localdate() - dt.timedelta(days=2))
    [record] = reach.answering_on_time(people.street)
    assert (record.assigned, record.overdue_now, record.share_on_time) == (1, 1, 0.0)
    proposals.withdraw(proposal, participant)
    assert participant.child_id not in reach.took_part(timezone.localdate().year)


def test_the_page_answers_each_reader_with_their_policy(people, client_for):
    director = Client()
    director.force_login(people.director)
    page = director.get(reverse("participation:reach"))
    assert page.status_code == 200 and 'id="reach"' in page.content.decode()
    researcher = client_for("researcher", "150104001000")
    assert researcher.get(reverse("participation:reach") + "?dimension=sex").status_code == 200
    venue = client_for("venue_staff", COMMUNITY)
    assert venue.get(reverse("participation:reach")).status_code == 403
