"""Delivery you can see and that recovers fast: retained alerts for phones that subscribe late,
cleared on cancel; resumption within seconds of the broker's return; the officer sees per channel
what waits; a sender that dies repeats at most one chunk and holds the rest only briefly."""

import datetime
import time

import pytest
from django.utils import timezone

from tongyou.accounts.roles import Role
from tongyou.alerts.models import Outbox, TopicPublication
from tongyou.alerts.services import delivery, publishing
from tongyou.core import health

from .conftest import YUQUAN

pytestmark = pytest.mark.django_db


def test_a_phone_that_subscribes_late_hears_the_active_alert_and_not_an_ended_one(new_case, subscriber):
    case = new_case()
    delivery.process()
    late = subscriber(*YUQUAN)  # subscribes after publication
    assert [m["identifier"] for m in late.wait_for(1)] == [case.messages.get().identifier]
    publishing.end(case, case.reported_by, "found")
    delivery.process()
    assert [m["msgType"] for m in late.wait_for(2)] == ["Alert", "Cancel"]
    after = subscriber(*YUQUAN)  # subscribes after the cancel: nothing retained any more
    assert after.wait_for(1, timeout=1.5) == []


def test_two_active_alerts_in_one_cell_are_both_retained(new_case, subscriber):
    first, second = new_case(), new_case(child_name="李小红", sex="2")
    delivery.process()
    late = subscriber(*YUQUAN)
    assert sorted(m["case"] for m in late.wait_for(2)) == sorted([first.reference, second.reference])


def test_after_a_broker_outage_the_alert_goes_out_within_seconds_of_its_return(
    new_case, subscriber, private_broker
):
    phone = subscriber(*YUQUAN, port=private_broker.port)
    private_broker.stop()
    case = new_case()
    delivery.process()
    waiting = TopicPublication.objects.filter(message__case=case, state="pending")
    assert waiting.exists() and all(row.next_attempt_at > timezone.now() for row in waiting)
    assert [p["name"] for p in health.problems()] == ["broker"]  # staff see it
    private_broker.start()
    assert phone.connected.wait(10)
    returned = time.monotonic()
    # One worker round: the broker answers, so what waited is released and sent now.
    assert delivery.resume_if_broker_back() > 0
    delivery.process()
    assert [m["identifier"] for m in phone.wait_for(1)] == [case.messages.get().identifier]
    assert time.monotonic() - returned < 5
    assert health.problems() == []


def test_the_officer_sees_per_channel_what_waits(new_case, client_for, settings):
    settings.MQTT_URL = "mqtt://127.0.0.1:1"  # no broker there
    publishing.register_recipient(
        name="网格员",
        kind="grid_worker",
        channel="sms",
        address="13800000001",
        latitude=YUQUAN[0],
        longitude=YUQUAN[1],
    )
    case = new_case()
    delivery.process()
    page = client_for(Role.POLICE).get(f"/alerts/cases/{case.pk}/").content.decode()
    assert 'id="delivery"' in page and 'data-channel="mqtt"' in page and 'data-channel="sms"' in page
    assert 'id="broker-down"' in page
    counts = delivery.case_delivery(case)
    assert counts["mqtt"]["pending"] > 0 and counts["mqtt"]["done"] == 0


def test_a_sender_that_dies_mid_send_repeats_at_most_one_chunk_and_holds_the_rest_briefly(
    new_case, monkeypatch, subscriber
):
    monkeypatch.setattr(delivery, "ACK_CHUNK", 2)
    case = new_case(minutes_ago=200)  # a wide circle: many cell topics
    TopicPublication.objects.filter(message__case=case).update(next_attempt_at=timezone.now())
    rows = TopicPublication.objects.filter(message__case=case, state="pending")
    total = rows.count()
    assert total > 4
    waited = {"n": 0}
    original = delivery._publish

    def dying(client, row, body):
        acks = original(client, row, body)

        class Dies:
            def __init__(self, inner):
                self.inner = inner

            def wait_for_publish(self, timeout=None):
                waited["n"] += 1
                if waited["n"] > 3:
                    raise KeyboardInterrupt  # the worker is killed while acknowledgements arrive
                return self.inner.wait_for_publish(timeout)

            def is_published(self):
                return self.inner.is_published()

        return [Dies(a) for a in acks]

    monkeypatch.setattr(delivery, "_publish", dying)
    with pytest.raises(KeyboardInterrupt):
        delivery.publish_topics(rows)
    done = TopicPublication.objects.filter(message__case=case, state=Outbox.State.DONE).count()
    assert done == 2  # the first chunk was marked as its acknowledgements came
    pending = TopicPublication.objects.filter(message__case=case, state=Outbox.State.PENDING)
    # The rest is held by the dead sender's claim for one short lease only, then taken over.
    assert all(row.next_attempt_at <= timezone.now() + delivery.LEASE for row in pending)
    monkeypatch.setattr(delivery, "_publish", original)
    later = timezone.now() + delivery.LEASE + datetime.timedelta(seconds=1)
    assert delivery.process(now=later)[0] == total - done
    assert not TopicPublication.objects.filter(message__case=case, state=Outbox.State.PENDING).exists()
