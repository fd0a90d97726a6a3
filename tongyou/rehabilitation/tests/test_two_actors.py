"""Two people at once on PostgreSQL: the last place at an institution goes to one child, a month
is settled once, two months settled together never pay past the year's standard, and two clicks
file one application."""

import datetime
from decimal import Decimal

import pytest

from tongyou.accounts.roles import Role
from tongyou.core.errors import Refusal
from tongyou.core.tests.test_two_actors import at_once, refused
from tongyou.rehabilitation import assistance, register
from tongyou.rehabilitation.models import AidKind, Application, Registration, ServiceMonth, Status

from .helpers import child, federation, institution, today, user


def _filed(director, years):
    kid = child(years)
    register.sync(today())
    return assistance.file(
        director, Registration.objects.get(child=kid), AidKind.TRAINING, "王监护", guardian_signed=True
    )


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_into_the_last_place_give_it_to_one_child(concurrent_db):
    director, first_officer, second_officer = user(Role.CHILD_DIRECTOR), federation(), federation()
    centre = institution(first_officer, capacity=1)
    a, b = _filed(director, 4), _filed(director, 5)
    outcomes = at_once(
        lambda: assistance.transition(
            Application.objects.get(pk=a.pk), "approve", first_officer, institution=centre
        ),
        lambda: assistance.transition(
            Application.objects.get(pk=b.pk), "approve", second_officer, institution=centre
        ),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert Application.objects.filter(status=Status.APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_month_settled_by_two_people_at_once_is_paid_once_and_never_past_the_standard(concurrent_db):
    director, officer, other = user(Role.CHILD_DIRECTOR), federation(), federation()
    application = _filed(director, 4)
    start = today().replace(month=1, day=1) if today().month > 2 else today().replace(day=1)
    assistance.transition(application, "approve", officer, institution=institution(officer), on=start)
    assistance.set_standard(officer, start.year, AidKind.TRAINING, "1000")
    first = assistance.record_month(officer, application, start, 8, "800")
    outcomes = at_once(
        lambda: assistance.settle(officer, ServiceMonth.objects.get(pk=first.pk)),
        lambda: assistance.settle(other, ServiceMonth.objects.get(pk=first.pk)),
    )
    assert len(refused(outcomes, Refusal)) == 1
    assert ServiceMonth.objects.get(pk=first.pk).settled == Decimal("800.00")
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    if following <= today() and following.year == start.year:
        later = [assistance.record_month(officer, application, following, 8, "800")]
        third = (following + datetime.timedelta(days=32)).replace(day=1)
        if third <= today() and third.year == start.year:
            later.append(assistance.record_month(officer, application, third, 8, "800"))
            outcomes = at_once(
                lambda: assistance.settle(officer, ServiceMonth.objects.get(pk=later[0].pk)),
                lambda: assistance.settle(other, ServiceMonth.objects.get(pk=later[1].pk)),
            )
            assert not refused(outcomes)
            total = sum(m.settled for m in ServiceMonth.objects.all())
            assert total == Decimal("1000.00")  # the year's standard, not 1,000 + 200


@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_file_make_one_application(concurrent_db):
    director = user(Role.CHILD_DIRECTOR)
    kid = child(4)
    register.sync(today())
    registration = Registration.objects.get(child=kid)

    def click():
        return assistance.file(director, registration, AidKind.TRAINING, "王监护", guardian_signed=True)

    outcomes = at_once(click, click)
    assert len(refused(outcomes, Refusal)) == 1
    assert Application.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_syncs_at_once_register_each_child_once(concurrent_db):
    children = [child(years) for years in (1, 3, 5, 7)]
    outcomes = at_once(lambda: register.sync(today()), lambda: register.sync(today()))
    assert not refused(outcomes)
    assert Registration.objects.count() == len(children)
