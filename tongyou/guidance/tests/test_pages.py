"""The guidance pages: families and visits only for the community and street, the overview for
aggregate readers, points kept by the leads; bad forms answered in Chinese and writing nothing."""

import pytest
from django.test import Client

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.guidance.models import GuidancePoint, SurveyResponse, Visit
from tongyou.regions.models import Region

from .helpers import HERE, THERE, family, user

pytestmark = pytest.mark.django_db


def client(person):
    c = Client()
    c.force_login(person)
    return c


def test_the_director_visits_a_family_from_the_list_masked_and_logged():
    home = family(name="周小明")
    director = client(user(Role.CHILD_DIRECTOR))
    body = director.get("/guidance/visits/").content.decode()
    assert f"#{home.pk}" in body and "周*明" in body and "周小明" not in body
    assert AuditEntry.objects.filter(object_type="guidance.Visit", action=AuditEntry.Action.LIST).exists()
    page = director.get(f"/guidance/families/{home.pk}/").content.decode()
    assert "小召前街1号院" not in page  # the address is masked
    done = director.post(
        f"/guidance/families/{home.pk}/visit/", {"purpose": "routine", "needs": ["parenting"]}, follow=True
    )
    assert "走访已登记" in done.content.decode() and Visit.objects.count() == 1


@pytest.mark.parametrize(
    "form",
    [
        {"purpose": "<script>"},
        {"purpose": "routine", "visited_on": "2026-02-30"},
        {"purpose": "routine", "follow_up": "回访"},
        {"purpose": "routine", "needs": ["x" * 2000]},
        {"purpose": "routine", "volunteer": "abc"},
        {},
    ],
)
def test_a_bad_visit_form_gets_a_chinese_message_and_writes_nothing(form):
    home = family()
    response = client(user(Role.CHILD_DIRECTOR)).post(
        f"/guidance/families/{home.pk}/visit/", form, follow=True
    )
    assert response.status_code == 200 and "请" in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "role, unit, area",
    [
        (Role.RESEARCHER, "dsj", "150104"),
        (Role.UNIT_OFFICER, "fl", "150104"),
        (Role.COORDINATOR, "fegw", "150104"),
        (Role.POLICE, None, "150104"),
        (Role.CASEWORKER, "mzj", "150104"),
        (Role.VENUE_STAFF, None, HERE),
        (Role.UNIT_OFFICER, "jyj", "150104"),
        (Role.ADMIN, "dsj", "150104"),
        (Role.SECURITY_ADMIN, "dsj", "150104"),
        (Role.AUDIT_ADMIN, "dsj", "150104"),
    ],
)
def test_roles_that_do_not_visit_never_see_a_family(role, unit, area):
    home = family()
    visitor = client(user(role, area, unit=unit))
    assert visitor.get("/guidance/visits/").status_code == 403
    assert visitor.get(f"/guidance/families/{home.pk}/").status_code == 403
    assert (
        visitor.post(
            f"/guidance/families/{home.pk}/survey/", {"helpful": "very", "confidence": "more"}
        ).status_code
        == 403
    )
    assert not SurveyResponse.objects.exists()


def test_a_director_of_another_community_gets_404_for_the_family():
    home = family()
    assert client(user(Role.CHILD_DIRECTOR, THERE)).get(f"/guidance/families/{home.pk}/").status_code == 404


def test_the_womens_federation_opens_a_point_and_a_researcher_cannot():
    form = {
        "name": "家长学校",
        "kind": "parent_school",
        "host": "community",
        "region": Region.objects.get(code=HERE).pk,
        "opened_on": "2026-09-01",
    }
    assert (
        client(user(Role.RESEARCHER, "150104", unit="dsj")).post("/guidance/points/new/", form).status_code
        == 403
    )
    client(user(Role.UNIT_OFFICER, "150104", unit="fl")).post("/guidance/points/new/", form)
    assert GuidancePoint.objects.get().name == "家长学校"
    bad = client(user(Role.UNIT_OFFICER, "150104", unit="fl")).post(
        "/guidance/points/new/",
        {**form, "region": Region.objects.get(code="150104001000").pk, "name": "街道"},
        follow=True,
    )
    assert "选择社区" in bad.content.decode()


def test_the_overview_is_protected_and_names_no_family():
    family(name="郑小华")
    body = client(user(Role.RESEARCHER, "150104", unit="dsj")).get("/guidance/").content.decode()
    assert "郑" not in body and "±5" in body
