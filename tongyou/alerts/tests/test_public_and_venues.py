"""Sightings from the public, the police map, Code Adam at a venue, and cameras for footage."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.alerts.models import Camera, CodeAdam, Sighting, Venue
from tongyou.alerts.services import venues
from tongyou.core.models import Notification
from tongyou.regions.models import Region

from .conftest import YUQUAN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    cache.clear()
    yield
    cache.clear()


def sighting(client, case, **extra):
    return client.post(
        f"/alerts/a/{case.reference}/",
        {
            "seen_at": (timezone.localtime() - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "latitude": "40.7800",
            "longitude": "111.6600",
            "place": "公交站",
            "description": "穿红衣服的男孩跟一名中年男子上了公交车",
            **extra,
        },
    )


def test_a_sighting_from_the_public_reaches_the_police_map(new_case, police, client_for):
    case = new_case()
    page = sighting(Client(), case)
    assert "警方已收到" in page.content.decode()
    found = Sighting.objects.get()
    assert found.credibility == "unreviewed"
    assert Notification.objects.filter(recipient=police, key=f"alerts.sighting.{found.pk}").exists()
    officer = client_for(Role.POLICE)
    detail = officer.get(f"/alerts/cases/{case.pk}/").content.decode()
    assert 'id="case-sightings"' in detail and "40.78" in detail
    officer.post(f"/alerts/sightings/{found.pk}/review/", {"credible": "1"})
    found.refresh_from_db()
    assert found.credibility == "credible"


def test_sightings_are_rate_limited_and_refused_once_the_alert_ends(new_case, police):
    case = new_case()
    public = Client()
    for _ in range(10):
        sighting(public, case)
    assert sighting(public, case).status_code == 429
    assert Sighting.objects.count() == 10


def test_police_outside_the_area_and_other_roles_cannot_open_a_case(new_case, client_for):
    case = new_case()
    assert client_for(Role.POLICE, "150104002000").get(f"/alerts/cases/{case.pk}/").status_code == 404
    assert client_for(Role.CASEWORKER).get(f"/alerts/cases/{case.pk}/").status_code == 404
    assert client_for(Role.CHILD_DIRECTOR, "150104001001").get("/alerts/cases/").status_code == 403


def test_a_police_officer_publishes_from_the_form(client_for):
    officer = client_for(Role.POLICE)
    page = officer.post(
        "/alerts/cases/new/",
        {
            "child_name": "李小花",
            "sex": "2",
            "age": "5",
            "clothing": "黄色连衣裙",
            "last_seen_at": (timezone.localtime() - datetime.timedelta(minutes=15)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "last_seen_place": "青城公园",
            "latitude": "40.8120",
            "longitude": "111.6500",
            "region": Region.objects.get(code="150104001001").pk,
        },
        follow=True,
    ).content.decode()
    assert "已发布" in page and "100" in page
    assert "李小花" in Client().get("/alerts/").content.decode()


@pytest.fixture
def venue(make_user):
    place = Venue.objects.create(
        name="万达广场",
        kind="mall",
        region=Region.objects.get(code="150104001001"),
        latitude=YUQUAN[0],
        longitude=YUQUAN[1],
        exits=["东门", "西门", "地下车库"],
    )
    staff = [make_user(Role.VENUE_STAFF, "150104001001") for _ in range(3)]
    place.staff.set(staff)
    return place, staff


def test_code_adam_pages_every_colleague_and_escalates_after_ten_minutes(venue, police):
    place, staff = venue
    page = venues.trigger(place, staff[0], "4岁男孩，蓝色外套，戴黄色帽子", child_name="小宝", age=4, sex="1")
    assert Notification.objects.filter(key=f"alerts.codeadam.{page.pk}").count() == 2
    venues.check_exit(page, staff[1], "东门")
    assert list(page.exits_checked) == ["东门"]
    assert venues.escalate_due(now=page.started_at + datetime.timedelta(minutes=9)) == []
    [case] = venues.escalate_due(now=page.started_at + datetime.timedelta(minutes=11))
    page.refresh_from_db()
    assert page.state == "escalated" and page.case == case
    assert (case.state, case.last_seen_place, case.child_name) == ("awaiting", "万达广场", "小宝")
    assert Notification.objects.filter(recipient=police, key=f"alerts.codeadam.{page.pk}.escalated").exists()


def test_a_child_found_on_site_ends_code_adam_and_outsiders_cannot_trigger(venue, make_user, client_for):
    place, staff = venue
    page = venues.trigger(place, staff[0], "穿粉色裙子的女孩")
    venues.found(page, staff[2])
    assert CodeAdam.objects.get().state == "found"
    assert venues.escalate_due(now=timezone.now() + datetime.timedelta(hours=1)) == []
    stranger = client_for(Role.VENUE_STAFF, "150104001001")
    assert stranger.post(f"/alerts/venues/{place.pk}/code-adam/", {"description": "x"}).status_code == 403
    colleague = Client()
    colleague.force_login(staff[1])
    assert "穿粉色裙子的女孩" in colleague.get(f"/alerts/code-adam/{page.pk}/").content.decode()
    # Staff of another venue in the same community see nothing of it.
    assert stranger.get(f"/alerts/code-adam/{page.pk}/").status_code == 404


def test_cameras_near_the_place_whose_footage_still_exists(new_case):
    case = new_case(minutes_ago=60 * 24 * 3)
    region = Region.objects.get(code="150104001001")
    unit = Unit.objects.get(code="gafj")
    near = Camera.objects.create(
        name="大召广场东",
        region=region,
        latitude=YUQUAN[0] + 0.005,
        longitude=YUQUAN[1],
        owner=unit,
        contact="0471-0000000",
    )
    Camera.objects.create(
        name="短存储",
        region=region,
        latitude=YUQUAN[0],
        longitude=YUQUAN[1] + 0.004,
        owner=unit,
        contact="x",
        retention_days=2,
    )
    Camera.objects.create(
        name="远处", region=region, latitude=YUQUAN[0] + 0.2, longitude=YUQUAN[1], owner=unit, contact="x"
    )
    assert [(c.name, km) for c, km in venues.cameras_for(case)] == [(near.name, 0.56)]


def test_people_opt_in_with_a_place_receive_alerts_and_opt_out(new_case, settings):
    settings.SMS_GATEWAY_URL = ""
    public = Client()
    refused = public.post(
        "/alerts/opt-in/",
        {"name": "张师傅", "kind": "driver", "channel": "sms", "latitude": "40.78", "longitude": "111.66"},
    )
    assert "请填写接收短信的手机号码" in refused.content.decode()
    page = public.post(
        "/alerts/opt-in/",
        {
            "name": "张师傅",
            "kind": "driver",
            "channel": "sms",
            "phone": "13800001111",
            "latitude": "40.78",
            "longitude": "111.66",
            "consent": "on",
        },
    ).content.decode()
    from tongyou.alerts.models import Delivery, Recipient

    recipient = Recipient.objects.get()
    assert recipient.cell6 and recipient.address == "13800001111"
    new_case()
    assert Delivery.objects.filter(recipient=recipient).count() == 1
    opt_out = page.split('id="opt-out-link" href="')[1].split('"')[0].split("8000")[1]
    public.post(opt_out)
    recipient.refresh_from_db()
    assert not recipient.is_active
    new_case()
    assert Delivery.objects.filter(recipient=recipient).count() == 1
    assert public.get("/alerts/opt-out/forged/").status_code == 404


def test_the_public_map_draws_the_alert_circle_and_police_see_sighting_photos(new_case, police, client_for):
    import json

    from tongyou.alerts.services import venues

    case = new_case()
    page = Client().get(f"/alerts/a/{case.reference}/").content.decode()
    circles = json.loads(page.split('id="alert-circle" type="application/json">')[1].split("</script>")[0])
    assert circles == [{"lat": case.latitude, "lng": case.longitude, "radius_km": case.radius_km}]
    seen = venues.receive_sighting(
        case,
        seen_at=timezone.now() - datetime.timedelta(minutes=3),
        latitude=40.78,
        longitude=111.66,
        description="穿红衣服的男孩",
        photo=b"\xff\xd8\xff\xe0 jpeg",
        photo_type="image/jpeg",
    )
    officer = client_for(Role.POLICE)
    detail = officer.get(f"/alerts/cases/{case.pk}/").content.decode()
    assert f"/alerts/sightings/{seen.pk}/photo" in detail
    photo = officer.get(f"/alerts/sightings/{seen.pk}/photo")
    assert (
        photo.status_code == 200
        and photo.content.startswith(b"\xff\xd8")
        and "no-store" in photo["Cache-Control"]
    )
    assert (
        client_for(Role.POLICE, "150104002000").get(f"/alerts/sightings/{seen.pk}/photo").status_code == 404
    )
    assert Client().get(f"/alerts/sightings/{seen.pk}/photo").status_code == 302  # to the login


def test_a_purged_case_keeps_no_name_and_no_sighting_contact_or_photo(new_case, police, settings):
    from tongyou.alerts.services import publishing, venues

    case = new_case()
    venues.receive_sighting(
        case,
        seen_at=timezone.now() - datetime.timedelta(minutes=3),
        latitude=40.78,
        longitude=111.66,
        description="穿红衣服的男孩",
        place="公交站",
        contact="13912345678",
        photo=b"\xff\xd8\xff\xe0 jpeg",
        photo_type="image/jpeg",
    )
    publishing.end(case, police, "found", "已找到")
    publishing.purge_due(now=timezone.now() + datetime.timedelta(days=settings.ALERT_RETENTION_DAYS + 1))
    case.refresh_from_db()
    assert "王小明" not in case.child_name
    kept = Sighting.objects.get()
    assert kept.photo is None and kept.contact == "" and kept.description == "" and kept.place == ""
    assert kept.latitude == 40.78  # where and when remain, for the record of the search
