"""The 萌阅 pages as their users meet them: the lists, the forms, and what a hurried clerk or an
adversary posts."""

import pytest
from django.test import Client

from tongyou.accounts.roles import Role
from tongyou.reading import coverage, deliveries, entitlements
from tongyou.reading.models import Attempt, Delivery, Entitlement, Milestone, PickupPoint, Stock, Variant

from .helpers import HERE, THERE, TODAY, born, health_officer, milestones, point, user

pytestmark = pytest.mark.django_db


def client(person):
    c = Client()
    c.force_login(person)
    return c


@pytest.fixture
def due():
    packs = milestones()
    here = point()
    director = user(Role.CHILD_DIRECTOR)
    deliveries.receive(director, here, packs[0], Variant.STANDARD, 5, TODAY)
    child = born(1, name="王小萌")
    entitlements.sync()
    return director, here, Entitlement.objects.get(child=child)


def test_the_director_sees_the_child_to_reach_and_records_the_delivery(due):
    director, here, entitlement = due
    page = client(director).get("/reading/unreached/").content.decode()
    assert "王小萌" in page and "出生礼包" in page
    response = client(director).post(
        f"/reading/entitlements/{entitlement.pk}/deliver/",
        {"point": here.pk, "channel": "home_visit", "variant": "standard", "guardian_confirmed": "on"},
        follow=True,
    )
    assert "已登记发放" in response.content.decode() or "recorded as delivered" in response.content.decode()
    assert Delivery.objects.get().entitlement == entitlement
    assert "王小萌" not in client(director).get("/reading/unreached/").content.decode()


@pytest.mark.parametrize(
    "form",
    [
        {"point": "abc", "channel": "pickup", "guardian_confirmed": "on"},
        {"point": "", "channel": "pickup", "guardian_confirmed": "on"},
        {"channel": "pickup", "guardian_confirmed": "on", "given_on": "2026-13-45"},
        {"channel": "pickup", "given_on": "yesterday", "guardian_confirmed": "on"},
        {"channel": "pickup"},  # no confirmation
        {"channel": "<script>", "guardian_confirmed": "on"},
        {"channel": "pickup", "variant": "x" * 5000, "guardian_confirmed": "on"},
    ],
)
def test_a_bad_form_gets_a_clear_message_and_writes_nothing(due, form):
    director, here, entitlement = due
    data = {"point": here.pk, **form}
    response = client(director).post(f"/reading/entitlements/{entitlement.pk}/deliver/", data, follow=True)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not Delivery.objects.exists()
    assert Stock.objects.get().quantity == 5


def test_a_director_of_another_community_can_neither_see_nor_give_the_pack(due):
    _director, here, entitlement = due
    stranger = client(user(Role.CHILD_DIRECTOR, THERE))
    assert "王小萌" not in stranger.get("/reading/unreached/").content.decode()
    response = stranger.post(
        f"/reading/entitlements/{entitlement.pk}/deliver/",
        {"point": here.pk, "channel": "pickup", "guardian_confirmed": "on"},
    )
    assert response.status_code == 404
    assert (
        stranger.post(
            f"/reading/entitlements/{entitlement.pk}/not-delivered/", {"reason": "declined"}
        ).status_code
        == 404
    )
    assert not Delivery.objects.exists() and not Attempt.objects.exists()


def test_the_clinic_finds_the_child_by_id_number_and_sees_only_a_masked_name(due):
    _director, _here, entitlement = due
    officer = health_officer()
    clinic = point("150104", kind="clinic", name="区妇幼保健院")
    deliveries.receive(officer, clinic, entitlement.milestone, Variant.STANDARD, 3, TODAY)
    c = client(officer)
    page = c.post("/reading/find/", {"id_number": entitlement.child.id_number}).content.decode()
    assert "王*萌" in page and "王小萌" not in page
    assert "王*萌" not in c.post("/reading/find/", {"id_number": "王小萌"}).content.decode()  # no names
    # an ID number in the address is not searched (it would reach access logs and history)
    assert "王*萌" not in c.get("/reading/find/", {"id_number": entitlement.child.id_number}).content.decode()
    c.post(
        f"/reading/entitlements/{entitlement.pk}/deliver/",
        {"point": clinic.pk, "channel": "health_check", "guardian_confirmed": "on", "from": "find"},
    )
    assert Delivery.objects.get().point == clinic


def test_stock_points_and_milestones_from_their_pages(due):
    director, here, _entitlement = due
    response = client(director).post(
        f"/reading/points/{here.pk}/receive/",
        {"milestone": Milestone.objects.first().pk, "variant": "bilingual", "quantity": "12"},
        follow=True,
    )
    assert Stock.objects.get(variant="bilingual").quantity == 12
    for bad in ("", "-1", "1e9", "十二"):
        client(director).post(
            f"/reading/points/{here.pk}/receive/",
            {"milestone": Milestone.objects.first().pk, "variant": "standard", "quantity": bad},
        )
    assert Stock.objects.get(variant="standard").quantity == 5
    coordinator = client(user(Role.COORDINATOR, "150104"))
    coordinator.post(
        "/reading/milestones/new/", {"name": "入园礼包", "age_from_months": "40", "age_to_months": "30"}
    )
    coordinator.post(
        "/reading/milestones/new/", {"name": "入园礼包", "age_from_months": "36", "age_to_months": "48"}
    )
    assert list(Milestone.objects.filter(name="入园礼包").values_list("age_from_months", flat=True)) == [36]
    street = client(user(Role.STREET_OFFICER, "150104001"))
    from tongyou.regions.models import Region

    street.post(
        "/reading/points/new/",
        {
            "name": "新华大街图书室",
            "kind": "library",
            "region": Region.objects.get(code=THERE).pk,
        },
    )
    assert not PickupPoint.objects.filter(name="新华大街图书室").exists()  # another street's community
    street.post(
        "/reading/points/new/",
        {"name": "新华大街图书室", "kind": "library", "region": Region.objects.get(code=HERE).pk},
    )
    assert PickupPoint.objects.filter(name="新华大街图书室").exists()
    assert response.status_code == 200


def test_coverage_page_shows_the_table_and_protects_a_researcher(due):
    director, here, entitlement = due
    deliveries.deliver(director, entitlement, point=here, channel="pickup", guardian_confirmed=True)
    office = client(user(Role.CASEWORKER, "150104")).get("/reading/").content.decode()
    assert 'id="reading-coverage"' in office and "1 / 1" in office
    researcher = client(user(Role.RESEARCHER, "150104")).get("/reading/?cut=group").content.decode()
    assert "&lt;5 / &lt;5" in researcher or "&lt;5" in researcher


def test_families_are_surveyed_once_per_wave_and_only_counts_are_shown(due):
    import datetime

    from tongyou.core import disclosure
    from tongyou.reading.models import ParentSurvey

    director, here, entitlement = due
    delivery = deliveries.deliver(
        director, entitlement, point=here, channel="pickup", guardian_confirmed=True
    )
    c = client(director)
    assert f'data-delivery="{delivery.pk}"' in c.get("/reading/surveys/").content.decode()
    answers = {
        "wave": "delivery",
        "shared_reading": "weekly",
        "books_at_home": "1-10",
        "library_member": "on",
    }
    c.post(f"/reading/deliveries/{delivery.pk}/survey/", answers)
    c.post(f"/reading/deliveries/{delivery.pk}/survey/", answers)  # twice: refused
    c.post(f"/reading/deliveries/{delivery.pk}/survey/", answers | {"wave": "three_months"})  # too early
    c.post(f"/reading/deliveries/{delivery.pk}/survey/", answers | {"shared_reading": "hourly"})
    assert ParentSurvey.objects.count() == 1
    Delivery.objects.filter(pk=delivery.pk).update(given_on=TODAY - datetime.timedelta(days=100))
    c.post(
        f"/reading/deliveries/{delivery.pk}/survey/",
        answers | {"wave": "three_months", "shared_reading": "daily"},
    )
    assert ParentSurvey.objects.count() == 2
    researcher = user(Role.RESEARCHER, "150104")
    waves, rows = coverage.survey_summary(researcher)
    policy = disclosure.PROTECTED
    weekly = next(r for r in rows if r.answer == str(ParentSurvey.Frequency.WEEKLY.label))
    # one family: each figure is the disclosure module's answer for the set behind it, protected
    # for every reader (the answers are only ever counts)
    assert weekly.by_wave[0] == disclosure.persons(disclosure.Signature.of([entitlement.child_id]), policy)
    _waves, exact_rows = coverage.survey_summary(user(Role.CASEWORKER, "150104"))
    assert [r.by_wave for r in exact_rows] == [r.by_wave for r in rows]
    page = client(researcher).get("/reading/").content.decode()
    assert 'id="survey-summary"' in page and "王小萌" not in page


def test_a_copy_is_lent_once_and_returned_once(due):
    from tongyou.reading.models import Loan

    director, here, entitlement = due
    c = client(director)
    c.post(
        f"/reading/points/{here.pk}/lend/", {"id_number": entitlement.child.id_number, "copy": "萌阅包-007"}
    )
    c.post(
        f"/reading/points/{here.pk}/lend/", {"id_number": entitlement.child.id_number, "copy": "萌阅包-007"}
    )
    c.post(f"/reading/points/{here.pk}/lend/", {"id_number": "王小萌", "copy": "萌阅包-008"})
    loan = Loan.objects.get()
    assert (loan.due_on - loan.loaned_on).days == 14
    page = c.get(f"/reading/points/{here.pk}/loans/").content.decode()
    assert "萌阅包-007" in page and "王*萌" in page and "王小萌" not in page
    c.post(f"/reading/loans/{loan.pk}/return/")
    c.post(f"/reading/loans/{loan.pk}/return/")
    loan.refresh_from_db()
    assert loan.returned_on is not None
    assert (
        user(Role.CHILD_DIRECTOR, THERE)
        and client(user(Role.CHILD_DIRECTOR, THERE)).post(f"/reading/loans/{loan.pk}/return/").status_code
        == 404
    )
