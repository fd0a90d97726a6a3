"""Two people at the same instant, on PostgreSQL: the last place goes to one child, hours are
confirmed once, a person is assigned once."""

import datetime

import pytest
from django.utils import timezone

from tongyou.community import activities, people
from tongyou.community.models import Activity, Assignment, ServiceHours, SignUp
from tongyou.core.errors import Refusal
from tongyou.core.tests.test_two_actors import at_once, refused
from tongyou.regions.models import Region
from tongyou.tests.factories import ChildFactory

from .helpers import HERE, area, at, id_number, user

TODAY = timezone.localdate()


@pytest.fixture
def session(concurrent_db):
    keeper, street = user(), user(code="150104001")
    activity = activities.create_activity(
        keeper,
        title="亲子共读",
        kind="reading",
        region=area(),
        place="社区图书室",
        starts_at=at(-1, 9),
        ends_at=at(-1, 11),
        capacity=1,
        age_min=0,
        age_max=17,
    )
    return keeper, street, activity


def _child():
    grid = Region.objects.filter(path__contains=f"/{HERE}/", level=Region.Level.GRID).first()
    return ChildFactory(residence_region=grid, birth_date=TODAY - datetime.timedelta(days=4 * 365))


@pytest.mark.django_db(transaction=True)
def test_the_last_place_goes_to_one_child(session):
    keeper, street, activity = session
    a, b = _child(), _child()
    outcomes = at_once(
        lambda: activities.sign_up(keeper, Activity.objects.get(pk=activity.pk), a),
        lambda: activities.sign_up(street, Activity.objects.get(pk=activity.pk), b),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert SignUp.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_hours_are_confirmed_once_and_a_person_assigned_once(session):
    keeper, street, activity = session
    person = people.register_person(
        keeper, kind="volunteer", name="张志愿", id_number=id_number(30), region=area()
    )
    people.record_check(
        keeper, person, checked_on=TODAY - datetime.timedelta(days=20), queried_by="公安分局", result="passed"
    )
    outcomes = at_once(
        lambda: activities.assign(keeper, activity, person),
        lambda: activities.assign(street, activity, person),
    )
    assert len(refused(outcomes, Refusal)) == 1 and Assignment.objects.count() == 1
    entry = activities.record_hours(keeper, Assignment.objects.get(), "2")
    outcomes = at_once(
        lambda: activities.confirm_hours(keeper, ServiceHours.objects.get(pk=entry.pk)),
        lambda: activities.confirm_hours(street, ServiceHours.objects.get(pk=entry.pk)),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert activities.confirmed_hours(person) == 2
