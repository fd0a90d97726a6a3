"""Two people at once on PostgreSQL: a family answers the year's survey once, a follow-up is done
once, and one visit per visitor, family and day."""

import datetime

import pytest

from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.core.tests.test_two_actors import at_once, refused
from tongyou.guidance import visits
from tongyou.guidance.models import SurveyResponse, Visit

from .helpers import family, today, user


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_survey_and_the_follow_up_at_once_record_each_once(concurrent_db):
    director, street = user(Role.CHILD_DIRECTOR), user(Role.STREET_OFFICER, "150104001")
    home = family()
    outcomes = at_once(
        lambda: visits.answer_survey(director, home, "very", "more", []),
        lambda: visits.answer_survey(street, home, "not", "less", []),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert SurveyResponse.objects.count() == 1
    visit = visits.record_visit(
        director,
        home,
        purpose="guidance",
        needs=[],
        follow_up="回访",
        follow_up_due=today() + datetime.timedelta(days=3),
    )
    outcomes = at_once(
        lambda: visits.follow_up_done(director, Visit.objects.get(pk=visit.pk)),
        lambda: visits.follow_up_done(street, Visit.objects.get(pk=visit.pk)),
    )
    assert len(refused(outcomes, Refusal)) == 1
