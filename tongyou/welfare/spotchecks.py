"""Spot checks (抽查) of a paid month: a random sample stratified by street, reproducible from
its seed, with findings recorded by the street's staff and problems followed up to resolution.

The sampling rate is the setting WELFARE_SPOT_CHECK_RATE (default 10%, at least one payment per
street); follow-up of a problem is due WELFARE_SPOT_CHECK_FOLLOW_UP working days after it is
found (default 20). Neither figure is set by a national rule we found: both are [G] defaults."""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.core.workdays import add_working_days
from tongyou.regions.models import Region

from .models import DisbursementRun, SpotCheck, SpotCheckItem

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.welfare.eligibility import Finding


def default_rate() -> Decimal:
    return Decimal(str(getattr(settings, "WELFARE_SPOT_CHECK_RATE", "0.10")))


def follow_up_days() -> Any:
    return getattr(settings, "WELFARE_SPOT_CHECK_FOLLOW_UP", 20)


def sample(payments_by_street: Any, rate: Decimal | float, seed: int) -> list:
    """{street code: [payment ids]} → the ids drawn. Each street is drawn with its own generator
    seeded from (seed, street), over its ids in order, so the draw does not depend on the order
    rows came from the database nor on the other streets."""
    drawn = []
    for street_code in sorted(payments_by_street):
        ids = sorted(payments_by_street[street_code])
        size = min(len(ids), max(1, math.ceil(len(ids) * rate)))
        drawn.extend(random.Random(f"{seed}:{street_code}").sample(ids, size))
    return drawn


@transaction.atomic
def draw(run: DisbursementRun, user: User, rate: Decimal | None = None, seed: int | None = None) -> Any:
    require(user, "welfare.pay_disbursementrun")
    if run.state != DisbursementRun.State.PAID:
        raise Refusal(_("Only a paid month can be spot-checked."))
    rate = Decimal(str(rate)) if rate is not None else default_rate()
    if not Decimal("0") < rate <= Decimal("1"):
        raise Refusal(_("The sampling rate is a share between 0 and 1."))
    seed = seed if seed is not None else secrets.randbelow(10**12)
    streets: dict = {}
    street_of = {}
    for payment_id, path in run.payments.values_list("pk", "application__child__residence_region__path"):
        street_code = path.strip("/").split("/")[1]
        streets.setdefault(street_code, []).append(payment_id)
        street_of[payment_id] = street_code
    street_ids = dict(Region.objects.filter(code__in=streets).values_list("code", "pk"))
    check = SpotCheck.objects.create(run=run, rate=rate, seed=seed, created_by=user)
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(spot_check=check, payment_id=pk, street_id=street_ids[street_of[pk]])
        for pk in sample(streets, rate, seed)
    )
    record(
        AuditEntry.Action.CREATE,
        user=user,
        obj=check,
        details={"rate": str(rate), "seed": seed, "items": check.items.count()},
    )
    return check


@transaction.atomic
def record_finding(item: Any, user: User, finding: Finding, note: str = "", on: dt.date | None = None) -> Any:
    require(user, "welfare.check_spotcheckitem", item)
    on = on or timezone.localdate()
    if finding not in (SpotCheckItem.Finding.CONFIRMED, SpotCheckItem.Finding.PROBLEM):
        raise Refusal(_("Choose a finding."))
    if finding == SpotCheckItem.Finding.PROBLEM and not note.strip():
        raise Refusal(_("Describe the problem found."))
    item.finding, item.note, item.checked_by, item.checked_on = finding, note.strip(), user, on
    item.follow_up_due = (
        add_working_days(on, follow_up_days()) if finding == SpotCheckItem.Finding.PROBLEM else None
    )
    item.save()
    record(AuditEntry.Action.UPDATE, user=user, obj=item, details={"finding": finding})
    return item


@transaction.atomic
def resolve(item: Any, user: User, resolution: str, on: dt.date | None = None) -> Any:
    require(user, "welfare.check_spotcheckitem", item)
    if item.finding != SpotCheckItem.Finding.PROBLEM or item.resolved_on:
        raise Refusal(_("Only an open problem can be resolved."))
    if not resolution.strip():
        raise Refusal(_("Say how the problem was resolved."))
    item.resolution, item.resolved_on = resolution.strip(), on or timezone.localdate()
    item.save()
    record(AuditEntry.Action.UPDATE, user=user, obj=item, details={"resolved": True})
    return item


def overdue_follow_ups(items: Any, today: dt.date | None = None) -> Any:
    today = today or timezone.localdate()
    return items.filter(
        finding=SpotCheckItem.Finding.PROBLEM, resolved_on__isnull=True, follow_up_due__lt=today
    )
