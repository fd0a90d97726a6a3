"""Sending what the outboxes hold: MQTT topics through the broker, and registered recipients
through their channel (a signed webhook, Web Push with VAPID, or the SMS gateway's HTTP interface).

A row is marked delivered only after the broker acknowledged it (QoS 1) or the endpoint answered
2xx; a failure waits min(2^attempts, 300) seconds and tries again, up to MAX_ATTEMPTS. Receivers
deduplicate on the message identifier (MQTT) or the Idempotency-Key header (HTTP)."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
import urllib3
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet
from django.urls import reverse
from django.utils import timezone
from pywebpush import WebPushException, webpush

from tongyou.core import health, outbound

from ..models import Delivery, Outbox, TopicPublication
from . import cap, wording

if TYPE_CHECKING:
    from tongyou.alerts.models import AlertMessage, MissingChildCase

MAX_ATTEMPTS = 12
TIMEOUT = 5


def payload(message: AlertMessage) -> bytes:
    """What an app receives on its cell's topic: enough to decide, by its own position, whether the
    alert is for it, and the CAP document itself."""
    case = message.case
    return json.dumps(
        {
            "identifier": message.identifier,
            "msgType": message.msg_type,
            "case": case.reference,
            "sent": message.sent.isoformat(),
            # A drill says so on its face, not only in the CAP status (apps show the mark).
            "drill": case.is_drill,
            "headline": _payload_headline(message),
            "circle": {"lat": case.latitude, "lng": case.longitude, "radius_km": message.radius_km},
            "cap": message.cap_xml,
        },
        ensure_ascii=False,
    ).encode()


def _payload_headline(message: AlertMessage) -> str:
    case = message.case
    if message.msg_type == "Cancel":
        return wording.cancel_headline(case, "预警解除")
    return wording.headline(case)


def push_payload(message: AlertMessage) -> str:
    """Web push carries at most 4 KB: the decision data and a link, not the whole CAP document."""
    case = message.case
    return json.dumps(
        {
            "identifier": message.identifier,
            "msgType": message.msg_type,
            "case": case.reference,
            "drill": case.is_drill,
            "headline": _payload_headline(message),
            "circle": {"lat": case.latitude, "lng": case.longitude, "radius_km": message.radius_km},
            "cap": cap.public_url(reverse("alerts:cap_message", args=[message.identifier])),
            "url": cap.public_url(
                reverse("alerts:public_list")
                if message.msg_type == "Cancel"
                else reverse("alerts:public_detail", args=[case.reference])
            ),
        },
        ensure_ascii=False,
    )


def _retry_later(rows: Iterable[Any], error: Any, now: datetime.datetime) -> Any:
    for row in rows:
        row.attempts += 1
        row.last_error = str(error)[:300]
        row.next_attempt_at = now + datetime.timedelta(seconds=min(2**row.attempts, 300))
        if row.attempts >= MAX_ATTEMPTS:
            row.state = Outbox.State.FAILED
    return rows


def _all_retry_later(model: Any, rows: list[Any], error: Any) -> None:
    """The broker refused the connection: every row waits its back-off, counted from now (not
    from the round's start). One UPDATE per attempt count, not a row-by-row CASE over thousands
    of cell topics, so the rows are due again no sooner than their back-off says."""
    by_attempts: dict[int, list[int]] = {}
    for row in rows:
        by_attempts.setdefault(row.attempts, []).append(row.pk)
    for attempts, ids in by_attempts.items():
        done = attempts + 1
        model.objects.filter(pk__in=ids).update(
            attempts=done,
            last_error=str(error)[:300],
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=min(2**done, 300)),
            state=Outbox.State.FAILED if done >= MAX_ATTEMPTS else Outbox.State.PENDING,
        )


# Short: a sender that dies holds its rows this long at most; a live one renews the claim.
LEASE = datetime.timedelta(seconds=15)


def claim(model: Any, rows: list[Any], now: datetime.datetime) -> list[Any]:
    """Take the due rows for this sender: their next attempt moves past the lease, so a worker
    running at the same time (or the send on commit) does not send them too. Returns the rows
    claimed."""
    ids = [row.pk for row in rows]
    with transaction.atomic():
        due = model.objects.filter(pk__in=ids, state=Outbox.State.PENDING, next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = set(due.values_list("pk", flat=True))
        model.objects.filter(pk__in=claimed).update(next_attempt_at=max(now, timezone.now()) + LEASE)
    return [row for row in rows if row.pk in claimed]


def broker() -> tuple:
    url = urlparse(settings.MQTT_URL)
    return url.hostname or "127.0.0.1", url.port or 1883


ACK_CHUNK = 200  # rows marked done together: a worker killed mid-send repeats at most this many


def _publish(client: Any, row: Any, body: Any) -> list:
    """What one row sends: an Alert or Update stays retained on the case's topic for phones that
    subscribe later; a Cancel is heard by those listening and then clears the retained copy; a
    clear-only row just clears. Returns the acknowledgements to wait for."""
    if row.clear_only:
        return [client.publish(row.topic, b"", qos=1, retain=True)]
    if row.message.msg_type == "Cancel":
        return [client.publish(row.topic, body, qos=1), client.publish(row.topic, b"", qos=1, retain=True)]
    return [client.publish(row.topic, body, qos=1, retain=True)]


def publish_topics(pending: QuerySet[TopicPublication], now: datetime.datetime | None = None) -> int:
    """Publish the given pending TopicPublications with one connection; returns how many went out.

    Delivery is at least once (MQTT QoS 1, retries) and effectively once per phone: every message
    has a stable identifier (`cn.yuquan.tongyou.<case>.<version>`) that apps de-duplicate on, rows
    are marked done as their acknowledgements arrive (ACK_CHUNK at a time, two chunks in flight),
    and the claim is renewed while a long batch is sent, so a worker killed mid-send repeats at most
    the chunks in flight and the rest is taken over after a short lease (docs/architecture.md,
    "Alerts")."""
    now = now or timezone.now()
    rows = claim(TopicPublication, list(pending.select_related("message__case")), now)
    if not rows:
        return 0
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=f"tongyou-{now.timestamp():.0f}-{id(rows)}"
    )
    host, port = broker()
    try:
        client.connect(host, port, keepalive=30)
    except OSError as exc:
        _all_retry_later(TopicPublication, rows, exc)
        health.report_failure(health.BROKER, exc)
        return 0
    client.loop_start()
    done = 0
    fields = ["state", "done_at", "attempts", "last_error", "next_attempt_at"]
    try:
        bodies: dict = {}
        chunks = [rows[i : i + ACK_CHUNK] for i in range(0, len(rows), ACK_CHUNK)]

        def send(chunk: list[Any]) -> Any:
            return [
                (row, _publish(client, row, bodies.setdefault(row.message_id, payload(row.message))))
                for row in chunk
            ]

        # Pipelined: the next chunk is handed to the broker before this one's acknowledgements are
        # awaited and marked, so the database writes never hold the fan-out up; a sender killed now
        # repeats at most the two chunks in flight.
        in_flight = send(chunks[0]) if chunks else []
        beat = time.monotonic()
        for index in range(len(chunks)):
            following = send(chunks[index + 1]) if index + 1 < len(chunks) else []
            sent: list = []
            failed: list = []
            for row, acks in in_flight:
                # A broker that goes away mid-batch raises here; the row then counts as not published.
                for info in acks:
                    with contextlib.suppress(RuntimeError, ValueError):
                        info.wait_for_publish(timeout=TIMEOUT)
                (sent if all(info.is_published() for info in acks) else failed).append(row)
            # One plain UPDATE for what went out (a bulk_update's CASE per row would hold the next
            # chunk up); the rare failures carry their own back-off.
            TopicPublication.objects.filter(pk__in=[row.pk for row in sent]).update(
                state=Outbox.State.DONE, done_at=timezone.now(), attempts=F("attempts") + 1
            )
            if failed:
                TopicPublication.objects.bulk_update(
                    _retry_later(failed, "the broker did not acknowledge", now), fields
                )
            done += len(sent)
            in_flight = following
            if time.monotonic() - beat > LEASE.total_seconds() / 3:
                # heartbeat: on a slow batch, the rows still being sent stay ours
                rest = [row.pk for chunk in chunks[index + 1 :] for row in chunk]
                TopicPublication.objects.filter(pk__in=rest, state=Outbox.State.PENDING).update(
                    next_attempt_at=timezone.now() + LEASE
                )
                beat = time.monotonic()
    finally:
        client.loop_stop()
        client.disconnect()
    return done


def resume_if_broker_back(now: datetime.datetime | None = None) -> int:
    """Rows waiting out a back-off after a broker outage go out as soon as the broker answers
    again, not minutes later: the worker calls this every round. Returns how many were released."""
    now = now or timezone.now()
    waiting = TopicPublication.objects.filter(
        state=Outbox.State.PENDING, attempts__gt=0, next_attempt_at__gt=now
    ).exclude(last_error="")
    if not waiting.exists() or not health.check_broker(timeout=1.0):
        return 0
    return waiting.update(next_attempt_at=now)


def case_delivery(case: MissingChildCase) -> dict:
    """Per channel, how many of the case's messages wait, went out and were given up: what the
    officer sees on the case page (counts of messages, not of persons)."""
    rows = {"mqtt": {"pending": 0, "done": 0, "failed": 0}}
    for state, count in (
        TopicPublication.objects.filter(message__case=case, clear_only=False)
        .values_list("state")
        .annotate(n=Count("id"))
    ):
        rows["mqtt"][state] = count
    for channel, state, count in (
        Delivery.objects.filter(message__case=case)
        .values_list("recipient__channel", "state")
        .annotate(n=Count("id"))
    ):
        rows.setdefault(channel, {"pending": 0, "done": 0, "failed": 0})[state] = count
    return rows


def _post(url: str, body: Any, headers: Any) -> None:
    # Through the outbound guard: public addresses only, pinned, no redirects (core/outbound.py).
    response = outbound.post(url, body, {"Content-Type": "application/json", **headers}, timeout=TIMEOUT)
    if not response.ok:
        raise RuntimeError(f"answered {response.status_code} {response.reason}")


def send(delivery: Any) -> None:
    """One delivery through its recipient's channel; raises on failure."""
    recipient, message = delivery.recipient, delivery.message
    headers = {"Idempotency-Key": delivery.idempotency_key}
    if recipient.channel == recipient.Channel.WEBHOOK:
        if recipient.approved_at is None:
            raise outbound.OutboundRefused("the partner webhook has not been approved")
        body = payload(message)
        signature = hmac.new(recipient.secret.encode(), body, hashlib.sha256).hexdigest()
        _post(recipient.address, body, {**headers, "X-Tongyou-Signature": f"sha256={signature}"})
    elif recipient.channel == recipient.Channel.WEB_PUSH:
        if not settings.VAPID_PRIVATE_KEY:
            raise RuntimeError("web push needs a VAPID key (TONGYOU_VAPID_PRIVATE_KEY)")
        try:
            webpush(
                subscription_info=json.loads(recipient.address),
                data=push_payload(message),
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=24 * 3600,
                timeout=TIMEOUT,
                requests_session=outbound.GuardedSession(),
            )
        except WebPushException as exc:
            raise RuntimeError(f"push service refused: {exc}") from None
    else:
        if not settings.SMS_GATEWAY_URL:
            raise RuntimeError("no SMS gateway is configured (TONGYOU_SMS_GATEWAY_URL)")
        case = message.case
        text = wording.sms(case, message.msg_type)
        body = json.dumps({"to": recipient.address, "text": text}, ensure_ascii=False).encode()
        _post(settings.SMS_GATEWAY_URL, body, headers)


def send_deliveries(now: datetime.datetime | None = None, limit: int = 200) -> int:
    now = now or timezone.now()
    due = claim(
        Delivery,
        list(
            Delivery.objects.filter(state=Outbox.State.PENDING, next_attempt_at__lte=now)
            .select_related("recipient", "message__case")
            .order_by("next_attempt_at")[:limit]
        ),
        now,
    )
    done = 0
    beat = timezone.now()
    for position, delivery in enumerate(due):
        if (timezone.now() - beat).total_seconds() > LEASE.total_seconds() / 3:
            # heartbeat: the deliveries still to send stay ours while slow endpoints answer
            Delivery.objects.filter(pk__in=[d.pk for d in due[position:]], state=Outbox.State.PENDING).update(
                next_attempt_at=timezone.now() + LEASE
            )
            beat = timezone.now()
        try:
            send(delivery)
        except outbound.OutboundRefused as exc:  # retrying cannot help: give up at once
            delivery.state, delivery.last_error = Outbox.State.FAILED, str(exc)[:300]
            delivery.attempts += 1
        except (OSError, RuntimeError, urllib3.exceptions.HTTPError) as exc:
            _retry_later([delivery], exc, now)
        else:
            delivery.state, delivery.done_at = Outbox.State.DONE, timezone.now()
            delivery.attempts += 1
            done += 1
        delivery.save(update_fields=["state", "done_at", "attempts", "last_error", "next_attempt_at"])
    return done


def process(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Everything due in both outboxes: (topics published, deliveries made)."""
    now = now or timezone.now()
    topics = publish_topics(
        TopicPublication.objects.filter(state=Outbox.State.PENDING, next_attempt_at__lte=now).order_by("id")[
            :5000
        ],
        now,
    )
    return topics, send_deliveries(now)
