"""Two people at once on PostgreSQL: a case is closed once; a review posted while the case is
closed is refused, never recorded on a sealed case; one referral per place at a time."""

import pytest

from tongyou.core.errors import Refusal
from tongyou.core.tests.test_two_actors import at_once, refused
from tongyou.intervention import cases
from tongyou.intervention.models import Case, Grade, Referral, Review

from .helpers import police, procurator, teenager


@pytest.fixture
def case(concurrent_db):
    return cases.open_case(police(), teenager(), Grade.SERIOUS, ["affray"])


def _fresh(pk):
    return Case.objects.get(pk=pk)


@pytest.mark.django_db(transaction=True)
def test_two_people_closing_one_case_close_it_once(case):
    officer, prosecutor = police(), procurator()
    outcomes = at_once(
        lambda: cases.close(officer, _fresh(case.pk), "corrected", seen="open"),
        lambda: cases.close(prosecutor, _fresh(case.pk), "other", seen="open"),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert _fresh(case.pk).sealed


@pytest.mark.django_db(transaction=True)
def test_a_review_racing_the_closure_is_never_written_on_a_sealed_case(case):
    officer, prosecutor = police(), procurator()
    outcomes = at_once(
        lambda: cases.close(officer, _fresh(case.pk), "corrected", seen="open"),
        lambda: cases.review(prosecutor, _fresh(case.pk), "improving"),
    )
    reviews = Review.objects.filter(case=case).count()
    # Either the review came first (and the case was then closed) or it was refused.
    assert _fresh(case.pk).sealed
    assert reviews == (0 if refused(outcomes) else 1)


@pytest.mark.django_db(transaction=True)
def test_two_referrals_to_the_same_place_at_once_make_one(case):
    officer, prosecutor = police(), procurator()
    outcomes = at_once(
        lambda: cases.refer(officer, _fresh(case.pk), Referral.To.COUNSELLING_12355),
        lambda: cases.refer(prosecutor, _fresh(case.pk), Referral.To.COUNSELLING_12355),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert Referral.objects.filter(case=case).count() == 1
