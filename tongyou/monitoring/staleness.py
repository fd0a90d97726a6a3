"""Computed figures never go stale: a change to any record an indicator is computed from marks
that indicator, and the scheduler recomputes the marked ones within half a minute.

Each app says which models its indicators read (`registry.indicator(code, reads=...)`); saves and
deletes of those models, and bulk writes announced with `core.signals.records_written` (imports,
the synthetic district), set `Indicator.stale_since`. `recompute_stale` runs as a scheduled job
and recomputes this year's values of each marked indicator."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from tongyou.core.registry import registry
from tongyou.core.signals import records_written

from .models import Indicator


def mark(sender: type, **kwargs: Any) -> None:
    """A receiver: `sender`'s records changed; mark the indicators computed from them."""
    if kwargs.get("raw"):  # loading fixtures
        return
    codes = registry.indicators_reading(sender)
    if codes:
        Indicator.objects.filter(calculator__in=codes, stale_since__isnull=True).update(
            stale_since=timezone.now()
        )


def connect() -> None:
    # Every model's signals, filtered by the registry when they fire: apps register their
    # indicators after this app is ready, and a lookup in a small dict costs nothing.
    post_save.connect(mark, dispatch_uid="monitoring-stale-save")
    post_delete.connect(mark, dispatch_uid="monitoring-stale-delete")
    records_written.connect(mark, dispatch_uid="monitoring-stale-bulk")


def recompute_stale(today: datetime.date | None = None) -> int:
    """Recompute this year's values of every marked indicator; returns how many.

    Each is claimed by clearing its mark in one conditional UPDATE (of two schedulers, one gets
    it), then computed without holding a lock; a change during the computation marks it again,
    so the next round computes it once more and nothing is missed."""
    from .values import compute

    today = today or timezone.localdate()
    done = 0
    marked = Indicator.objects.filter(stale_since__isnull=False).exclude(calculator="")
    for pk, since in marked.values_list("pk", "stale_since"):
        if not Indicator.objects.filter(pk=pk, stale_since=since).update(stale_since=None):
            continue  # another scheduler claimed it, or it changed again: the next round has it
        try:
            with transaction.atomic():
                compute(str(today.year), today, indicators=Indicator.objects.filter(pk=pk))
        except Exception:
            Indicator.objects.filter(pk=pk, stale_since__isnull=True).update(stale_since=since)
            raise
        done += 1
    return done
