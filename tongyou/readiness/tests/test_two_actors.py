"""Two people at once on PostgreSQL: the last supplies go to one issue, a risk is dealt with
once, and one screening per child and day."""

import pytest

from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.core.tests.test_two_actors import at_once, refused
from tongyou.readiness import screenings, supplies
from tongyou.readiness.models import FollowUp, Screening, Supply, SupplyStock
from tongyou.regions.models import Region

from .helpers import HERE, answers, child, user


@pytest.mark.django_db(transaction=True)
def test_two_issues_of_the_last_supplies_cannot_both_succeed(concurrent_db):
    first, second = user(Role.STREET_OFFICER, "150104001"), user(Role.STREET_OFFICER, "150104001")
    community = Region.objects.get(code=HERE)
    supplies.move(first, community, Supply.NAPPIES, 10)
    outcomes = at_once(
        lambda: supplies.move(first, community, Supply.NAPPIES, -8),
        lambda: supplies.move(second, community, Supply.NAPPIES, -8),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert SupplyStock.objects.get().quantity == 2


@pytest.mark.django_db(transaction=True)
def test_a_risk_is_dealt_with_once_and_a_child_screened_once_a_day(concurrent_db):
    director, street = user(Role.CHILD_DIRECTOR), user(Role.STREET_OFFICER, "150104001")
    kid = child()
    outcomes = at_once(
        lambda: screenings.screen(director, kid, answers(housing="risk")),
        lambda: screenings.screen(street, kid, answers(housing="risk")),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert Screening.objects.count() == 1
    item = FollowUp.objects.get()
    outcomes = at_once(
        lambda: screenings.follow_up(director, FollowUp.objects.get(pk=item.pk), "加固"),
        lambda: screenings.follow_up(street, FollowUp.objects.get(pk=item.pk), "搬迁"),
    )
    assert len(refused(outcomes, Refusal)) == 1
