"""Running a process through its four stages: creating it with a phase per stage, moving the
active phase, and closing it only when every child has been answered."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.core.workflow import lock

from .models import DEFAULT_SWITCHES, STAGE_ORDER, Phase, Process, Proposal, Stage

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.regions.models import Region

SWITCHES = ("submitting", "supporting", "commenting", "answering", "publishing", "surveying")


def create_process(
    user: User,
    *,
    title: str,
    summary: str,
    kind: str,
    region: Region,
    dates: list[tuple[dt.date, dt.date]],
    age_min: int = 7,
    age_max: int = 15,
    reply_days: int = 15,
    facility: Any = None,
    is_synthetic: bool = False,
) -> Process:
    """A process in preparation, with its four phases in the plan's order and their usual
    switches. `dates` gives each stage's (start, end), in order."""
    probe = Process(region=region)
    require(user, "participation.manage_process", probe)
    if len(dates) != len(STAGE_ORDER):
        raise Refusal(_("Give dates for each of the four stages."))
    if not 0 < age_min <= age_max <= 17:
        raise Refusal(_("The age window must lie between 1 and 17, the youngest age first."))
    for (start, end), (next_start, _end) in zip(dates, dates[1:], strict=False):
        if end < start or next_start < end:
            raise Refusal(
                _("Each stage must end after it starts, and the stages follow one another in order.")
            )
    if dates[-1][1] < dates[-1][0]:
        raise Refusal(_("Each stage must end after it starts, and the stages follow one another in order."))
    with transaction.atomic():
        process = Process.objects.create(
            title=title.strip(),
            summary=summary.strip(),
            kind=kind,
            region=region,
            facility=facility,
            age_min=age_min,
            age_max=age_max,
            reply_days=reply_days,
            created_by=user,
            is_synthetic=is_synthetic,
        )
        for stage, (start, end) in zip(STAGE_ORDER, dates, strict=True):
            Phase.objects.create(
                process=process, stage=stage, starts_on=start, ends_on=end, **DEFAULT_SWITCHES[stage]
            )
        record(AuditEntry.Action.CREATE, user=user, obj=process)
    return process


def set_switches(phase: Phase, user: User, **switches: bool) -> Phase:
    """Change what a phase allows (Decidim's step settings)."""
    require(user, "participation.manage_process", phase.process)
    unknown = set(switches) - set(SWITCHES)
    if unknown:
        raise Refusal(_("Unknown setting: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    with transaction.atomic():
        lock(phase.process)
        for name, value in switches.items():
            setattr(phase, name, bool(value))
        phase.save(update_fields=list(switches))
        record(AuditEntry.Action.UPDATE, user=user, obj=phase, details={"switches": switches})
    return phase


def activate(process: Process, stage: str, user: User, *, seen: str | None = None) -> Phase:
    """Make `stage` the active phase (opening the process if it was in preparation). `seen` is
    the stage the page showed as active ("" for none): a second organiser moving the process at
    the same time is refused rather than silently overridden."""
    require(user, "participation.manage_process", process)
    if stage not in Stage.values:
        raise Refusal(_("Unknown stage."))
    with transaction.atomic():
        lock(process)
        if process.status == Process.Status.CLOSED:
            raise Refusal(_("This process is closed."))
        active = process.phases.filter(is_active=True).first()
        if seen is not None and (active.stage if active else "") != seen:
            shown = active.get_stage_display() if active else _("not started")
            raise Refusal(
                _("Someone has already moved this process to '%(stage)s'. Reload the page and look again.")
                % {"stage": shown}
            )
        phase = process.phases.get(stage=stage)
        process.phases.filter(is_active=True).update(is_active=False)
        phase.is_active = True
        phase.save(update_fields=["is_active"])
        if process.status == Process.Status.DRAFT:
            process.status = Process.Status.OPEN
            process.save(update_fields=["status"])
        record(
            AuditEntry.Action.UPDATE,
            user=user,
            obj=process,
            details={"action": "activate", "stage": stage},
        )
    return phase


# Proposals that still owe the child something before the process may close.
UNANSWERED = (
    Proposal.Status.PENDING,
    Proposal.Status.APPROVED,
    Proposal.Status.ASSIGNED,
    Proposal.Status.ANSWERED,
)


def close(process: Process, user: User) -> Process:
    """Close the process: refused while any child's proposal lacks a published answer (General
    Comment 12, para 45: children are told how their views were weighed)."""
    require(user, "participation.manage_process", process)
    with transaction.atomic():
        lock(process)
        if process.status == Process.Status.CLOSED:
            raise Refusal(_("This process is already closed."))
        waiting = process.proposals.filter(status__in=UNANSWERED).count()
        if waiting:
            raise Refusal(
                _(
                    "%(n)d proposals have no published answer yet: every child must be answered "
                    "before the process closes."
                )
                % {"n": waiting}
            )
        process.phases.filter(is_active=True).update(is_active=False)
        process.status = Process.Status.CLOSED
        process.closed_at = timezone.now()
        process.save(update_fields=["status", "closed_at"])
        record(AuditEntry.Action.UPDATE, user=user, obj=process, details={"action": "close"})
    return process
