""" "You said, we did": what is done about accepted proposals, with dated updates the children
(and the public) can follow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.core.workflow import lock

from .models import Process, Proposal, Result, ResultUpdate

if TYPE_CHECKING:
    from tongyou.accounts.models import Unit, User

ACCEPTING = (Proposal.Answer.ACCEPTED, Proposal.Answer.PARTLY)


def create_result(
    user: User, process: Process, proposals: Iterable[Proposal], *, title: str, unit: Unit
) -> Result:
    """A result answering one or more accepted proposals whose answer is published."""
    require(user, "participation.add_result", process)
    chosen = list(proposals)
    if not chosen:
        raise Refusal(_("Choose the proposals this result answers."))
    for proposal in chosen:
        if (
            proposal.process_id != process.pk
            or proposal.status != Proposal.Status.PUBLISHED
            or proposal.answer not in ACCEPTING
        ):
            raise Refusal(_("A result answers accepted proposals of this process whose answer is published."))
    if not title.strip():
        raise Refusal(_("Say what is being done."))
    with transaction.atomic():
        result = Result.objects.create(
            process=process, title=title.strip()[:80], unit=unit, updated_on=timezone.localdate()
        )
        result.proposals.set(chosen)
        record(AuditEntry.Action.CREATE, user=user, obj=result)
    return result


def add_update(
    result: Result, user: User, *, on: dt.date, text: str, status: str, progress: int
) -> ResultUpdate:
    """A dated step of a result; the result shows the latest status and progress."""
    require(user, "participation.add_resultupdate", result)
    if status not in Result.Status.values:
        raise Refusal(_("Choose the status."))
    if not 0 <= progress <= 100:
        raise Refusal(_("Progress is a percentage from 0 to 100."))
    if not text.strip():
        raise Refusal(_("Say what happened."))
    if on > timezone.localdate():
        raise Refusal(_("An update cannot be dated in the future."))
    with transaction.atomic():
        lock(result)
        update = ResultUpdate.objects.create(
            result=result, on=on, text=text.strip()[:1000], status=status, progress=progress, by=user
        )
        latest = result.updates.order_by("-on", "-id").first()
        if latest is not None:
            result.status, result.progress, result.updated_on = latest.status, latest.progress, latest.on
            result.save(update_fields=["status", "progress", "updated_on"])
        record(
            AuditEntry.Action.UPDATE, user=user, obj=result, details={"status": status, "progress": progress}
        )
    return update
