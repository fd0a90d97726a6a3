"""Children-dense places (plan task (四)6 (2)): schools, kindergartens, nurseries, training
institutions, children's homes and large public places from the spaces registry, each with its
emergency plan and drills; a place without a plan, or whose last drill is older than its plan
asks, is flagged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import jurisdiction_path, require
from tongyou.spaces.models import Facility

from .models import DENSE_KINDS, Drill, EmergencyPlan

if TYPE_CHECKING:
    from tongyou.accounts.models import User

MAX_PARTICIPANTS = 100_000


@dataclass
class Place:
    facility: Facility
    plan: EmergencyPlan | None
    last_drill: Drill | None
    drill_due: dt.date | None

    @property
    def flagged(self) -> bool:
        return self.plan is None or self.drill_due is None or self.drill_due < timezone.localdate()


def dense_places(user: User) -> list[Place]:
    require(user, "readiness.view_emergencyplan")
    path = jurisdiction_path(user) or "-"
    facilities = list(
        Facility.objects.filter(kind__in=DENSE_KINDS, region__path__startswith=path)
        .select_related("region")
        .order_by("region__path", "kind", "name")
    )
    plans = {p.facility_id: p for p in EmergencyPlan.objects.filter(facility__in=facilities)}
    last: dict[int, Drill] = {}
    for drill in Drill.objects.filter(facility__in=facilities).order_by("facility_id", "-held_on"):
        last.setdefault(drill.facility_id, drill)
    rows = []
    for facility in facilities:
        plan, latest = plans.get(facility.pk), last.get(facility.pk)
        due = None
        if plan is not None:
            due = (latest.held_on if latest else plan.approved_on) + dt.timedelta(days=plan.drill_every_days)
        rows.append(Place(facility, plan, latest, due))
    return rows


def _dense(user: User, facility: Facility) -> None:
    require(user, "readiness.change_emergencyplan", facility)
    if facility.kind not in DENSE_KINDS:
        raise Refusal(_("%(name)s is not a children-dense place.") % {"name": facility.name})


def save_plan(
    user: User, facility: Facility, approved_on: dt.date | None, responsible: str, drill_every_days: int
) -> EmergencyPlan:
    _dense(user, facility)
    if approved_on is None or approved_on > timezone.localdate():
        raise Refusal(_("Enter the date the plan was approved (not in the future)."))
    if not responsible.strip():
        raise Refusal(_("Enter the person responsible for the plan."))
    if not 7 <= drill_every_days <= 366:
        raise Refusal(_("Drills are held at least once a year: enter 7 to 366 days."))
    plan, _created = EmergencyPlan.objects.update_or_create(
        facility=facility,
        defaults={
            "approved_on": approved_on,
            "responsible": responsible.strip()[:50],
            "drill_every_days": drill_every_days,
            "updated_by": user,
        },
    )
    record(AuditEntry.Action.UPDATE, user=user, obj=plan, details={"every": drill_every_days})
    return plan


def record_drill(
    user: User, facility: Facility, held_on: dt.date | None, kind: str, participants: int
) -> Drill:
    _dense(user, facility)
    if held_on is None or held_on > timezone.localdate():
        raise Refusal(_("Enter the date the drill was held (not in the future)."))
    if kind not in Drill.Kind.values:
        raise Refusal(_("Choose the kind of drill."))
    if not 1 <= participants <= MAX_PARTICIPANTS:
        raise Refusal(_("Enter how many took part (1 to %(most)d).") % {"most": MAX_PARTICIPANTS})
    try:
        with transaction.atomic():
            drill = Drill.objects.create(
                facility=facility, held_on=held_on, kind=kind, participants=participants, recorded_by=user
            )
    except IntegrityError:
        raise Refusal(_("This drill is already recorded.")) from None
    record(AuditEntry.Action.CREATE, user=user, obj=drill, details={"kind": kind})
    return drill
