"""Alerts police and the public can trust: Code Adam hands over the right child and nothing
invented, the officer corrects before publishing, a drill never looks real, and the case page has
no accidents."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from tongyou.accounts.roles import Role
from tongyou.alerts.models import AlertMessage, Delivery, MissingChildCase, TopicPublication, Venue
from tongyou.alerts.services import delivery, publishing, venues, wording
from tongyou.regions.models import Region

from .conftest import YUQUAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue(make_user):
    place = Venue.objects.create(
        name="万达广场",
        kind="mall",
        region=Region.objects.get(code="150104001001"),
        latitude=YUQUAN[0],
        longitude=YUQUAN[1],
        exits=["东门"],
    )
    staff = make_user(Role.VENUE_STAFF, "150104001001")
    place.staff.set([staff])
    return place, staff


def escalate(venue, staff, **fields):
    client = Client()
    client.force_login(staff)
    client.post(f"/alerts/venues/{venue.pk}/code-adam/", fields)
    page = venue.code_adams.get()
    [case] = venues.escalate_due(now=page.started_at + datetime.timedelta(minutes=11))
    return case


def test_code_adam_hands_the_police_the_girl_it_described(venue):
    place, staff = venue
    case = escalate(
        place, staff, description="5岁女孩，扎马尾", child_name="小红", sex="2", age="5", clothing="粉色外套"
    )
    assert (case.sex, case.age, case.clothing) == ("2", 5, "粉色外套")
    assert wording.child(case) == "小红，女孩，5岁"


def test_what_the_venue_did_not_know_stays_unknown(venue):
    place, staff = venue
    case = escalate(place, staff, description="穿红衣服的小孩")
    assert case.sex == "" and case.age is None and case.child_name == ""
    assert "男孩" not in wording.headline(case) and "女孩" not in wording.headline(case)
    assert wording.child(case) == "姓名不详，性别不详，年龄不详"


def test_the_officer_sees_and_corrects_everything_before_publishing(venue, client_for):
    place, staff = venue
    case = escalate(place, staff, description="5岁女孩，扎马尾", sex="1", age="5")
    police = client_for(Role.POLICE)
    page = police.get(f"/alerts/cases/{case.pk}/").content.decode()
    assert "5岁女孩，扎马尾" in page and 'id="confirm-form"' in page
    police.post(
        f"/alerts/cases/{case.pk}/act/",
        {
            "action": "confirm",
            "child_name": "小红",
            "sex": "2",  # the venue picked the wrong one
            "age": "5",
            "description": "5岁女孩，扎马尾",
            "clothing": "粉色外套",
            "last_seen_place": "万达广场二楼",
        },
    )
    case.refresh_from_db()
    assert case.state == "active" and case.sex == "2" and case.confirmed_by == police.user
    cap = case.messages.get().cap_xml
    assert "小红，女孩，5岁" in cap and "男孩" not in cap and "粉色外套" in cap


def test_an_absurd_correction_is_refused_and_nothing_goes_out(venue, client_for):
    place, staff = venue
    case = escalate(place, staff, description="小孩")
    police = client_for(Role.POLICE)
    police.post(
        f"/alerts/cases/{case.pk}/act/",
        {"action": "confirm", "age": "45", "description": "小孩", "last_seen_place": "万达广场"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.state == "awaiting" and not case.messages.exists()


@pytest.fixture
def drill_and_real_recipients():
    common = {"kind": "volunteer", "channel": "sms", "latitude": YUQUAN[0] + 0.01, "longitude": YUQUAN[1]}
    real = publishing.register_recipient(name="普通志愿者", address="13800000001", **common)
    drill = publishing.register_recipient(name="演练志愿者", address="13800000002", drills=True, **common)
    return real, drill


def test_a_drill_is_marked_everywhere_and_reaches_only_drill_participants(
    new_case, drill_and_real_recipients, settings
):
    real, drill = drill_and_real_recipients
    case = new_case(is_drill=True)
    message = case.messages.get()
    assert {d.recipient for d in Delivery.objects.filter(message=message)} == {drill}
    topics = list(TopicPublication.objects.filter(message=message).values_list("topic", flat=True))
    assert topics and all(t.startswith(settings.MQTT_DRILL_TOPIC_PREFIX) for t in topics)
    assert "【演练】" in message.cap_xml and "<status>Exercise</status>" in message.cap_xml
    payload = json.loads(delivery.payload(message))
    assert payload["drill"] is True and payload["headline"].startswith("【演练】")
    push = json.loads(delivery.push_payload(message))
    assert push["drill"] is True and push["headline"].startswith("【演练】")
    assert wording.sms(case, "Alert").startswith("【演练】") and "演练" in wording.sms(case, "Cancel")
    public = Client()
    assert "【演练】" in public.get("/alerts/").content.decode()
    detail = public.get(f"/alerts/a/{case.reference}/").content.decode()
    assert 'id="drill-banner"' in detail
    police = case.reported_by
    publishing.end(case, police, "found")
    cancel = case.messages.get(msg_type=AlertMessage.Type.CANCEL)
    assert "【演练】" in cancel.cap_xml


def test_a_real_alert_reaches_everyone_on_the_real_topics(new_case, drill_and_real_recipients, settings):
    real, drill = drill_and_real_recipients
    case = new_case()
    message = case.messages.get()
    assert {d.recipient for d in Delivery.objects.filter(message=message)} == {real, drill}
    topics = TopicPublication.objects.filter(message=message).values_list("topic", flat=True)
    assert all(t.startswith(settings.MQTT_TOPIC_PREFIX) for t in topics)
    assert "演练" not in message.cap_xml


def test_an_empty_update_is_refused(new_case, client_for):
    case = new_case()
    police = client_for(Role.POLICE)
    page = police.post(
        f"/alerts/cases/{case.pk}/act/", {"action": "update", "clothing": "  ", "vehicle": ""}, follow=True
    ).content.decode()
    assert case.messages.count() == 1 and "写明" in page
    same = police.post(f"/alerts/cases/{case.pk}/act/", {"action": "update", "clothing": case.clothing})
    assert same.status_code == 302 and case.messages.count() == 1


def test_found_and_false_alarm_ask_first_and_are_not_the_primary_button(new_case, client_for):
    case = new_case()
    page = client_for(Role.POLICE).get(f"/alerts/cases/{case.pk}/").content.decode()
    for button in ('id="found"', 'id="false-alarm"'):
        tag = page.split(button)[0].rsplit("<button", 1)[1] + page.split(button)[1].split(">", 1)[0]
        assert 'class="secondary"' in tag and "data-confirm" in tag


def test_the_worker_cannot_invent_a_sex_for_a_case_it_never_had(venue):
    place, staff = venue
    case = escalate(place, staff, description="小孩")
    case.state = MissingChildCase.State.ACTIVE
    case.published_at = timezone.now()
    assert "男孩" not in wording.sms(case, "Alert")
