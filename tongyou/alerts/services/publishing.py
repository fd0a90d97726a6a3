"""Publishing, widening, updating and ending an alert. Every message is a CAP document written to
the two outboxes in the same transaction, so nothing is lost if the broker or a channel is down:
`delivery.process()` sends what is waiting, whenever it can.

Police publish at once, as 团圆 does; with ALERT_REQUIRE_CONFIRMATION a second police officer
confirms first. The radius follows the time since the child was last seen (ALERT_RADIUS_STEPS),
computed afresh each time the worker runs, so a restart loses no step."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.core.workflow import Flow, Step, lock

from ..models import AlertMessage, Delivery, MissingChildCase, Recipient, TopicPublication
from . import cap, geo
from .delivery import publish_topics

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def new_reference(now: datetime.datetime) -> str:
    return "TY" + timezone.localtime(now).strftime("%Y%m%d") + secrets.token_hex(2).upper()


def minutes_since(case: MissingChildCase, now: datetime.datetime) -> float:
    return max(0, (now - case.last_seen_at).total_seconds() / 60)


@transaction.atomic
def record_case(
    user: User,
    *,
    photo: Any = None,
    photo_type: Any = "",
    now: datetime.datetime | None = None,
    **fields: Any,
) -> Any:
    """Record a case and publish it, or hold it for a second officer if the setting asks."""
    require(user, "alerts.publish_missingchildcase")
    now = now or timezone.now()
    if fields["last_seen_at"] > now:
        raise Refusal(_("The time last seen is in the future."))
    case = MissingChildCase.objects.create(
        reference=new_reference(now),
        reported_by=user,
        photo=photo,
        photo_type=photo_type,
        state=MissingChildCase.State.AWAITING,
        **fields,
    )
    record(AuditEntry.Action.CREATE, user=user, obj=case, details={"drill": case.is_drill})
    if not settings.ALERT_REQUIRE_CONFIRMATION:
        publish(case, user, now=now)
    return case


_STATE = MissingChildCase.State
# The steps officers take on a case. Two at once are not refused for the change itself: the
# second's step is decided on the case as the first left it (one Cancel, one publication).
CASE_FLOW = Flow(
    state_field="state",
    permission="alerts.publish_missingchildcase",
    refuse_stale=False,
    steps={
        "confirm": Step(
            (_STATE.AWAITING,),
            None,  # publishing makes it active
            otherwise=gettext_lazy("Only a case waiting for confirmation can be confirmed."),
        ),
        "update": Step(
            (_STATE.ACTIVE,), None, otherwise=gettext_lazy("Only an active alert can be updated.")
        ),
        "end": Step(
            (_STATE.ACTIVE, _STATE.AWAITING),
            None,  # found or false alarm, as the officer says
            otherwise=gettext_lazy("This alert has already ended."),
        ),
    },
)


# What the confirming officer may correct before publishing (a Code Adam's page, another
# officer's record): everything the public will read about the child.
CORRECTABLE = ("child_name", "sex", "age", "description", "clothing", "last_seen_place")


@transaction.atomic
def confirm(
    case: MissingChildCase, user: User, now: datetime.datetime | None = None, **corrections: Any
) -> Any:
    """The second officer's confirmation (where the setting requires one, and for every Code Adam
    escalation), with the corrections they made to what will be published."""
    CASE_FLOW.start(case, "confirm", user)  # two officers at once: the second reads the publication
    if user.pk == case.reported_by_id:
        raise Refusal(_("A second officer must confirm."))
    corrected = []
    for field, value in corrections.items():
        if field not in CORRECTABLE:
            raise Refusal(_("Unknown field."))
        if getattr(case, field) != value:
            setattr(case, field, value)
            corrected.append(field)
    if not (case.description or case.clothing or case.photo):
        raise Refusal(_("Say what the child looks like or wears before publishing."))
    if not case.last_seen_place.strip():
        raise Refusal(_("Say where the child was last seen."))
    case.confirmed_by = user
    case.save(update_fields=["confirmed_by", *corrected])
    if corrected:
        record(AuditEntry.Action.UPDATE, user=user, obj=case, details={"corrected": corrected})
    return publish(case, user, now=now)


def publish(case: MissingChildCase, user: User, now: datetime.datetime | None = None) -> AlertMessage:
    now = now or timezone.now()
    case.state, case.published_at = MissingChildCase.State.ACTIVE, now
    case.radius_km = geo.radius_for(minutes_since(case, now))
    case.save(update_fields=["state", "published_at", "radius_km"])
    message = _issue(case, AlertMessage.Type.ALERT, now)
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=case,
        details={"published": message.identifier},
    )
    return message


@transaction.atomic
def update(case: MissingChildCase, user: User, now: datetime.datetime | None = None, **changes: Any) -> Any:
    """New details (clothing, a vehicle…): an Update to everyone in the current circle."""
    CASE_FLOW.start(case, "update", user)  # an update racing "found" must not go out after the Cancel
    changes = {field: value.strip() for field, value in changes.items() if (value or "").strip()}
    if not changes or all(getattr(case, field) == value for field, value in changes.items()):
        raise Refusal(_("Write what is new (clothing, a vehicle, a suspect) before sending an update."))
    for field, value in changes.items():
        setattr(case, field, value)
    case.save()
    message = _issue(case, AlertMessage.Type.UPDATE, now or timezone.now())
    record(AuditEntry.Action.UPDATE, user=user, obj=case, details={"updated": sorted(changes)})
    return message


def widen_due(now: datetime.datetime | None = None) -> list:
    """Widen every active alert whose time step has come; returns the messages issued."""
    now = now or timezone.now()
    issued = []
    for case in MissingChildCase.objects.filter(state=MissingChildCase.State.ACTIVE):
        radius = geo.radius_for(minutes_since(case, now))
        if radius > case.radius_km:
            with transaction.atomic():
                lock(case)  # ended or widened meanwhile (by a second worker): nothing to do
                if case.state != MissingChildCase.State.ACTIVE or radius <= case.radius_km:
                    continue
                case.radius_km = radius
                case.save(update_fields=["radius_km"])
                issued.append(_issue(case, AlertMessage.Type.UPDATE, now))
            record(AuditEntry.Action.UPDATE, obj=case, details={"radius_km": radius})
    return issued


@transaction.atomic
def end(
    case: MissingChildCase, user: User, outcome: Any, note: str = "", now: datetime.datetime | None = None
) -> Any:
    """Found or false alarm: a Cancel to everyone who received any message of the case; the
    child leaves every public page and feed at once."""
    CASE_FLOW.start(case, "end", user)  # "found" and "false alarm" at once: one Cancel, then "ended"
    if outcome not in (MissingChildCase.State.FOUND, MissingChildCase.State.FALSE_ALARM):
        raise Refusal(_("Say whether the child was found or it was a false alarm."))
    was_published = case.state == MissingChildCase.State.ACTIVE
    now = now or timezone.now()
    case.state, case.ended_at, case.end_note = outcome, now, note.strip()
    case.save(update_fields=["state", "ended_at", "end_note"])
    message = _issue(case, AlertMessage.Type.CANCEL, now) if was_published else None
    record(AuditEntry.Action.UPDATE, user=user, obj=case, details={"ended": outcome})
    return message


def refresh_due(now: datetime.datetime | None = None) -> list:
    """Re-issue (an Update) every active alert whose latest message has run two thirds of its
    CAP expiry, so receivers keep it while the child is missing. Returns the messages issued."""
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(hours=settings.ALERT_CAP_EXPIRES_HOURS * 2 / 3)
    issued = []
    for case in MissingChildCase.objects.filter(state=MissingChildCase.State.ACTIVE):
        latest = case.messages.order_by("-sent").first()
        if latest is None or latest.sent > stale_before:
            continue
        with transaction.atomic():
            lock(case)
            if case.state != MissingChildCase.State.ACTIVE:
                continue
            issued.append(_issue(case, AlertMessage.Type.UPDATE, now))
    return issued


PURGED_NAME = "已清除"


def purge_due(now: datetime.datetime | None = None) -> int:
    """Wipe the child's name, photo and description of cases ended more than ALERT_RETENTION_DAYS
    ago, from the case, its stored CAP messages and its sightings (reporters' contacts and photos
    included). Returns the number of cases purged."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.ALERT_RETENTION_DAYS)
    due = MissingChildCase.objects.filter(ended_at__lte=cutoff, purged_at__isnull=True)
    count = 0
    for case in due:
        with transaction.atomic():
            case.photo, case.photo_type = None, ""
            case.description = case.clothing = case.suspect = case.vehicle = ""
            case.child_name = PURGED_NAME  # the guide promises the name leaves with the case
            case.purged_at = now
            case.save()
            # What the public sent leaves too: photos, descriptions, places and contacts; the time
            # and point of each sighting stay, for the record of how the search went.
            case.sightings.update(photo=None, photo_type="", description="", place="", contact="")
            for message in case.messages.exclude(msg_type=AlertMessage.Type.CANCEL):
                message.cap_xml = cap.build(
                    case, "Cancel", message.identifier, message.sent, message.radius_km, []
                )
                message.save(update_fields=["cap_xml"])
        record(AuditEntry.Action.DELETE, obj=case, details={"purged": "name, photo, description, sightings"})
        count += 1
    return count


def _issue(case: MissingChildCase, msg_type: str, now: datetime.datetime) -> AlertMessage:
    """Write the message and its outbox rows."""
    earlier = list(case.messages.order_by("version"))
    version = len(earlier) + 1
    identifier = f"cn.yuquan.tongyou.{case.reference}.{version}"
    radius = case.radius_km
    message = AlertMessage.objects.create(
        case=case,
        version=version,
        msg_type=msg_type,
        identifier=identifier,
        sent=now,
        radius_km=radius,
        cap_xml=cap.build(case, msg_type, identifier, now, radius, earlier),
    )
    # The radius only grows, so the current circle holds every earlier one: its cells reach every
    # app that had a message, once each (an app listens at several resolutions; one is used).
    cells = geo.covering_cells(case.latitude, case.longitude, radius)
    topics = {geo.case_topic(cell, case.reference, drill=case.is_drill) for cell in cells}
    # Topics used before at another resolution: their retained copy is cleared. The current circle
    # holds every earlier one and apps listen at every resolution, so each phone that heard
    # anything hears this message (the Cancel too) once, on the current topics.
    used = set(TopicPublication.objects.filter(message__case=case).values_list("topic", flat=True))
    stale = used - topics
    if msg_type == AlertMessage.Type.CANCEL:
        # Everyone who received anything hears that it is over.
        recipients: Any = Recipient.objects.filter(deliveries__message__case=case).distinct()
    else:
        within = recipients_within(case.latitude, case.longitude, radius)
        # A drill reaches only those registered for drills.
        recipients = [r for r in within if r.drills] if case.is_drill else within
    TopicPublication.objects.bulk_create(
        [TopicPublication(message=message, topic=topic, next_attempt_at=now) for topic in sorted(topics)]
        + [
            TopicPublication(message=message, topic=topic, next_attempt_at=now, clear_only=True)
            for topic in sorted(stale)
        ]
    )
    Delivery.objects.bulk_create(
        Delivery(
            message=message,
            recipient=recipient,
            idempotency_key=f"{identifier}:{recipient.pk}",
            next_attempt_at=now,
        )
        for recipient in recipients
    )
    transaction.on_commit(lambda: _send_now(message.pk))
    return message


def _send_now(message_pk: Any) -> None:
    """Try the topics at once after commit; the worker retries whatever this cannot send."""
    publish_topics(TopicPublication.objects.filter(message_id=message_pk, state="pending"))


_index: dict[str, Any] = {"signature": None, "index": None}


def recipient_index() -> Any:
    """The index of active recipients' positions, rebuilt only when they change (a new one, an
    edit, an opt-out): alerts are rare, lookups must be fast (benchmarks/alert_recipients.py)."""
    active = Recipient.objects.filter(is_active=True).exclude(
        channel=Recipient.Channel.WEBHOOK, approved_at__isnull=True
    )
    signature = (active.count(), active.aggregate(latest=Max("changed_at"))["latest"])
    if signature != _index["signature"]:
        rows = list(active.values_list("pk", "latitude", "longitude"))
        columns: list = list(zip(*rows, strict=True)) if rows else [(), (), ()]
        _index["index"] = geo.RecipientIndex(columns[0], columns[1], columns[2])
        _index["signature"] = signature
    return _index["index"]


def recipients_within(lat: float, lng: float, radius_km: float) -> list:
    """Registered recipients inside the circle (haversine), from the index."""
    ids = recipient_index().within(lat, lng, radius_km)
    return list(Recipient.objects.filter(pk__in=ids.tolist()))


def register_recipient(**fields: Any) -> Recipient:
    cells = geo.cells_of(fields["latitude"], fields["longitude"])
    return Recipient.objects.create(**fields, **{f"cell{res}": cell for res, cell in cells.items()})
