"""Risk screening and safety assessment of every orphan and de-facto-unsupported child (plan task
(四)6 (1)), on a schedule, with a follow-up for each risk found; and how complete the screening
is, by street, through disclosure control."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.scoping import jurisdiction_path, require
from tongyou.core.workflow import lock
from tongyou.datahub.codes import ChildStatus
from tongyou.datahub.models import Child, StatusPeriod
from tongyou.datahub.services.filters import holding
from tongyou.regions.models import Region

from .models import CHECKLIST, FollowUp, Screening

if TYPE_CHECKING:
    from tongyou.accounts.models import User

SCREENED = (ChildStatus.ORPHAN, ChildStatus.DE_FACTO_UNSUPPORTED)
NOTE_MAX = 1000


def cycle_days() -> int:
    """Days between screenings (READINESS_SCREENING_DAYS): quarterly by default, as the ledgers of
    children in difficulty are kept (the plan: "至少每季度更新一次")."""
    return int(getattr(settings, "READINESS_SCREENING_DAYS", 90))


def follow_up_days() -> int:
    return int(getattr(settings, "READINESS_FOLLOW_UP_DAYS", 30))


def population(day: dt.date) -> set[int]:
    """Children who are orphans or de-facto unsupported on `day` (the master index's status facts)."""
    return set(holding(StatusPeriod, day, status__in=SCREENED).values_list("child_id", flat=True))


def current(child_ids: Any, day: dt.date) -> set[int]:
    """The children among `child_ids` whose screening is current on `day`: one made by then and
    not yet due again. The one rule of the completion table, GS-10 and the annual report."""
    return set(
        Screening.objects.filter(child_id__in=child_ids, screened_on__lte=day, next_due__gte=day).values_list(
            "child_id", flat=True
        )
    )


def latest(child_ids: Any) -> dict[int, Screening]:
    found: dict[int, Screening] = {}
    for screening in Screening.objects.filter(child_id__in=child_ids).order_by(
        "child_id", "-screened_on", "-id"
    ):
        found.setdefault(screening.child_id, screening)
    return found


@dataclass
class Due:
    child: Child
    last: Screening | None
    overdue: bool


def due(user: User, today: dt.date | None = None) -> list[Due]:
    """The children of the user's area to screen: never screened, or due again by `today`."""
    require(user, "readiness.view_screening")
    today = today or timezone.localdate()
    path = jurisdiction_path(user) or "-"
    children = Child.objects.filter(
        pk__in=population(today), residence_region__path__startswith=path
    ).select_related("residence_region")
    last = latest([c.pk for c in children])
    rows = []
    for child in children.order_by("residence_region__path", "birth_date"):
        previous = last.get(child.pk)
        if previous is None or previous.next_due <= today:
            rows.append(Due(child, previous, previous is not None and previous.next_due < today))
    return rows


def screen(
    user: User,
    child: Child,
    answers: dict[str, str],
    note: str = "",
    on: dt.date | None = None,
) -> Screening:
    """Record a screening: every checklist item answered "ok" or "risk"; each risk gets a follow-up
    due within READINESS_FOLLOW_UP_DAYS; the next screening falls due a cycle later."""
    require(user, "readiness.add_screening", child)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise Refusal(_("The date cannot be in the future."))
    if child.pk not in population(on):
        raise Refusal(_("The screening is for orphans and de-facto-unsupported children (task (四)6)."))
    missing = [str(label) for code, label in CHECKLIST if answers.get(code) not in ("ok", "risk")]
    if missing:
        raise Refusal(_("Answer every item of the checklist: %(items)s.") % {"items": "、".join(missing)})
    risks = [code for code, _label in CHECKLIST if answers[code] == "risk"]
    try:
        with transaction.atomic():
            screening = Screening.objects.create(
                child=child,
                screened_on=on,
                screened_by=user,
                risks=risks,
                note=note.strip()[:NOTE_MAX],
                next_due=on + dt.timedelta(days=cycle_days()),
            )
            FollowUp.objects.bulk_create(
                FollowUp(screening=screening, item=code, due=on + dt.timedelta(days=follow_up_days()))
                for code in risks
            )
            record(AuditEntry.Action.CREATE, user=user, obj=screening, details={"risks": len(risks)})
    except IntegrityError:
        raise Refusal(_("This child was already screened on that day.")) from None
    return screening


@transaction.atomic
def follow_up(user: User, item: FollowUp, action: str, on: dt.date | None = None) -> FollowUp:
    """What was done about a risk: once (a second, by anyone, is refused)."""
    require(user, "readiness.add_screening", item.screening.child)
    lock(item)
    if item.done_on is not None:
        raise Refusal(_("This risk was already dealt with on %(day)s.") % {"day": item.done_on.isoformat()})
    if not action.strip():
        raise Refusal(_("Say what was done about the risk."))
    on = on or timezone.localdate()
    if on > timezone.localdate() or on < item.screening.screened_on:
        raise Refusal(_("The date must be between the screening and today."))
    item.done_on, item.done_by, item.action = on, user, action.strip()[:NOTE_MAX]
    item.save(update_fields=["done_on", "done_by", "action"])
    record(AuditEntry.Action.UPDATE, user=user, obj=item, details={"item": item.item})
    return item


@dataclass
class Completion:
    area: Region
    children: int | None
    screened: int | None
    share: float | None
    open_risks: int | None


def completion(user: User, today: dt.date | None = None) -> list[Completion]:
    """By street: orphans and de-facto-unsupported children, those with a screening still current,
    and those with a risk not yet dealt with — children, so every figure through disclosure
    control (the last row is the user's whole area)."""
    require(user, "readiness.view_completion")
    today = today or timezone.localdate()
    policy = disclosure.Policy.for_user(user)
    disclosure.check_question(policy, area="street", attributes=["status"])
    path = jurisdiction_path(user) or "-"
    where = dict(
        Child.objects.filter(pk__in=population(today), residence_region__path__startswith=path).values_list(
            "pk", "residence_region__path"
        )
    )
    screened = current(list(where), today)
    risky = set(
        FollowUp.objects.filter(done_on__isnull=True, screening__child_id__in=list(where)).values_list(
            "screening__child_id", flat=True
        )
    )
    rows = []

    def row(area: Region, ids: set[int]) -> Completion:
        whole = disclosure.persons(disclosure.Signature.of(ids), policy)
        done = disclosure.persons(disclosure.Signature.of(ids & screened), policy)
        open_risks = disclosure.persons(disclosure.Signature.of(ids & risky), policy)
        return Completion(area, whole, done, disclosure.share(done, whole), open_risks)

    for street in Region.objects.filter(level=Region.Level.STREET, path__startswith=path).order_by("path"):
        rows.append(row(street, {pk for pk, p in where.items() if p.startswith(street.path)}))
    area = user.jurisdiction
    if area is not None:
        rows.append(row(area, set(where)))
    return rows
