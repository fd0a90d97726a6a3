"""The readiness pages: refused to roles without a part, scoped and audited, forms refusing bad
input in Chinese and writing nothing."""

import pytest
from django.test import Client

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.readiness.models import Drill, EmergencyPlan, Screening, SupplyStock
from tongyou.regions.models import Region

from .helpers import HERE, THERE, child, facility, user

pytestmark = pytest.mark.django_db


def client(person):
    c = Client()
    c.force_login(person)
    return c


def test_the_director_screens_a_child_from_the_list_and_the_list_is_masked_and_logged():
    kid = child(name="吴小安")
    director = client(user(Role.CHILD_DIRECTOR))
    body = director.get("/readiness/screenings/").content.decode()
    assert "吴*安" in body and "吴小安" not in body
    assert AuditEntry.objects.filter(
        object_type="readiness.Screening", action=AuditEntry.Action.LIST
    ).exists()
    form = {code: "ok" for code in ("housing", "fire_gas_power", "carer_in_emergency", "emergency_contact")}
    refused = director.post(f"/readiness/children/{kid.pk}/screen/", form, follow=True)
    assert "逐项" in refused.content.decode() and not Screening.objects.exists()
    form.update(
        {c: "ok" for c in ("health_needs", "evacuation_help", "self_rescue", "online_and_public_opinion")}
    )
    form["housing"] = "risk"
    done = director.post(f"/readiness/children/{kid.pk}/screen/", form, follow=True)
    assert "1项风险待处置" in done.content.decode()


@pytest.mark.parametrize(
    "role, unit, area",
    [
        (Role.POLICE, None, "150104"),
        (Role.RESEARCHER, "dsj", "150104"),
        (Role.UNIT_OFFICER, "yjj", "150104"),
        (Role.COORDINATOR, "fegw", "150104"),
        (Role.VENUE_STAFF, None, HERE),
        (Role.UNIT_OFFICER, "jyj", "150104"),
        (Role.ADMIN, "dsj", "150104"),
        (Role.SECURITY_ADMIN, "dsj", "150104"),
        (Role.AUDIT_ADMIN, "dsj", "150104"),
    ],
)
def test_roles_that_do_not_visit_never_see_a_screened_child(role, unit, area):
    kid = child()
    visitor = client(user(role, area, unit=unit))
    assert visitor.get("/readiness/screenings/").status_code == 403
    assert visitor.get(f"/readiness/children/{kid.pk}/").status_code in (403, 404)


def test_a_director_of_another_community_gets_404_for_the_child():
    kid = child()
    assert client(user(Role.CHILD_DIRECTOR, THERE)).get(f"/readiness/children/{kid.pk}/").status_code == 404


def test_the_emergency_bureau_keeps_plans_and_drills_and_bad_forms_write_nothing():
    school = facility()
    bureau = client(user(Role.UNIT_OFFICER, "150104", unit="yjj"))
    assert "示范小学" in bureau.get("/readiness/places/").content.decode()
    bad = bureau.post(
        f"/readiness/places/{school.pk}/plan/",
        {"approved_on": "2026-02-30", "responsible": "王"},
        follow=True,
    )
    assert "YYYY-MM-DD" in bad.content.decode() or "日期" in bad.content.decode()
    assert not EmergencyPlan.objects.exists()
    bureau.post(
        f"/readiness/places/{school.pk}/plan/", {"approved_on": "2026-01-05", "responsible": "王校长"}
    )
    assert EmergencyPlan.objects.get().responsible == "王校长"
    bad = bureau.post(
        f"/readiness/places/{school.pk}/drill/",
        {"held_on": "2026-03-01", "kind": "<x>", "participants": "5"},
        follow=True,
    )
    assert "演练类型" in bad.content.decode() and not Drill.objects.exists()
    researcher = client(user(Role.RESEARCHER, "150104", unit="dsj"))
    assert researcher.post(f"/readiness/places/{school.pk}/plan/", {}).status_code == 403


@pytest.mark.parametrize("quantity", ["abc", "0", "-3", "99999999", ""])
def test_a_bad_supply_movement_is_refused_and_writes_nothing(quantity):
    street = client(user(Role.STREET_OFFICER, "150104001"))
    response = street.post(
        "/readiness/supplies/move/",
        {
            "region": Region.objects.get(code=HERE).pk,
            "item": "formula",
            "direction": "receive",
            "quantity": quantity,
        },
        follow=True,
    )
    assert response.status_code == 200 and not SupplyStock.objects.filter(quantity__gt=0).exists()


def test_the_overview_is_protected_for_a_researcher_and_names_no_child():
    child(name="郑小宁")
    body = client(user(Role.RESEARCHER, "150104", unit="dsj")).get("/readiness/").content.decode()
    assert "郑" not in body and "±5" in body
