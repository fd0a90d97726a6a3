"""Two people handing over packs at the same instant, on PostgreSQL: a child's pack is given
once, and the last pack in stock goes to one child."""

import pytest

from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.core.tests.test_two_actors import at_once, refused
from tongyou.reading import deliveries, entitlements
from tongyou.reading.models import Delivery, Entitlement, Milestone, Stock, Variant

from .helpers import TODAY, born, milestones, point, user


@pytest.fixture
def counter(concurrent_db):
    packs = milestones()
    here = point()
    director, street = user(Role.CHILD_DIRECTOR), user(Role.STREET_OFFICER, "150104001")
    deliveries.receive(director, here, packs[0], Variant.STANDARD, 1, TODAY)
    return here, director, street


def _give(giver, entitlement_pk, here):
    return deliveries.deliver(
        giver,
        Entitlement.objects.get(pk=entitlement_pk),
        point=here,
        channel="pickup",
        guardian_confirmed=True,
    )


@pytest.mark.django_db(transaction=True)
def test_two_people_giving_the_same_childs_pack_give_it_once(counter):
    here, director, street = counter
    deliveries.receive(director, here, Milestone.objects.get(age_from_months=0), Variant.STANDARD, 1, TODAY)
    child = born(1)
    entitlements.sync(TODAY)
    pk = Entitlement.objects.get(child=child).pk
    outcomes = at_once(lambda: _give(director, pk, here), lambda: _give(street, pk, here))
    assert len(refused(outcomes, Refusal)) == 1
    assert Delivery.objects.count() == 1
    assert Stock.objects.get().quantity == 1  # two in stock, one taken


@pytest.mark.django_db(transaction=True)
def test_the_last_pack_in_stock_goes_to_one_child(counter):
    here, director, street = counter
    first, second = born(1), born(2)
    entitlements.sync(TODAY)
    a, b = (Entitlement.objects.get(child=c).pk for c in (first, second))
    outcomes = at_once(lambda: _give(director, a, here), lambda: _give(street, b, here))
    assert len(refused(outcomes, Refusal)) == 1
    assert Delivery.objects.count() == 1
    assert Stock.objects.get().quantity == 0


@pytest.mark.django_db(transaction=True)
def test_two_syncs_at_once_entitle_each_child_once(concurrent_db):
    milestones()
    children = [born(m) for m in (0, 5, 13, 40, 70)]
    outcomes = at_once(lambda: entitlements.sync(TODAY), lambda: entitlements.sync(TODAY))
    assert not refused(outcomes)
    assert Entitlement.objects.count() == len(children)


@pytest.mark.django_db(transaction=True)
def test_one_copy_lent_to_two_families_at_once_goes_to_one(counter):
    from tongyou.reading.models import Loan

    here, director, street = counter
    first, second = born(20), born(30)
    outcomes = at_once(
        lambda: deliveries.lend(director, here, first, "萌阅包-001"),
        lambda: deliveries.lend(street, here, second, "萌阅包-001"),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert Loan.objects.count() == 1
