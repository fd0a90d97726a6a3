"""Entitlements from the child master index: every registered child of a milestone's age is
entitled to its pack, without anyone signing up (the daily job `reading.entitlements`)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tongyou.datahub.models import Child

from .models import MAX_AGE_MONTHS, Entitlement, Milestone, away


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_in_months(birth: dt.date, day: dt.date) -> int:
    """Completed months of age on `day`: at least `n` exactly when `birth <= months_before(day, n)`
    (a property test holds the two together)."""
    months = (day.year - birth.year) * 12 + day.month - birth.month
    if birth > months_before(day, months):
        months -= 1
    return months


@dataclass
class Synced:
    created: int
    lapsed: int


def sync(today: dt.date | None = None) -> Synced:
    """Entitle every registered child whose age is within an active milestone's window and mark
    lapsed the entitlements whose window has passed undelivered. Safe to run twice at once (the
    unique constraint; conflicts are skipped)."""
    today = today or timezone.localdate()
    milestones = list(Milestone.objects.filter(active=True))
    if not milestones:
        return Synced(0, 0)
    youngest = months_before(today, MAX_AGE_MONTHS)
    children = (
        Child.objects.filter(birth_date__gt=youngest, birth_date__lte=today)
        .exclude(away())
        .values_list("pk", "birth_date")
    )
    held = set(
        Entitlement.objects.filter(child__birth_date__gt=youngest).values_list("child_id", "milestone_id")
    )
    new = []
    for child_id, birth in children.iterator(chunk_size=5000):
        age = age_in_months(birth, today)
        for milestone in milestones:
            if (
                milestone.age_from_months <= age < milestone.age_to_months
                and (child_id, milestone.pk) not in held
            ):
                new.append(Entitlement(child_id=child_id, milestone=milestone, created_on=today))
    lapsed = 0
    with transaction.atomic():
        Entitlement.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        for milestone in milestones:
            lapsed += Entitlement.objects.filter(
                milestone=milestone,
                status=Entitlement.Status.DUE,
                child__birth_date__lte=months_before(today, milestone.age_to_months),
            ).update(status=Entitlement.Status.LAPSED)
    return Synced(len(new), lapsed)


def run_sync() -> None:
    """The scheduler's entry point."""
    sync()
