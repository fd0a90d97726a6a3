"""Indicators computed from monitoring's own records: progress reports and tasks (registered with
the kernel like every app's; see `values.compute`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from tongyou.core.registry import IndicatorResult, registry

from .models import PlanTask, ProgressReport
from .reports import owed_reports

if TYPE_CHECKING:
    from tongyou.monitoring.models import ReportingRound
    from tongyou.regions.tree import RegionTree

# The records these indicators are computed from: a change to any marks them for recomputing.
READS = (ProgressReport, PlanTask)


@registry.indicator("reports_on_time", reads=READS)
def reports_on_time(
    as_of: datetime.date, tree: RegionTree, reporting_round: ReportingRound | None = None
) -> IndicatorResult:
    """Units that submitted every report they owe by the round's deadline."""
    if reporting_round is None:
        return {}, {}
    if as_of < reporting_round.deadline:
        # Not yet due: nothing to count (shown as such), not a red 0 % a month before the deadline.
        return {tree.district: 0}, {tree.district: 0}
    deadline = timezone.make_aware(datetime.datetime.combine(reporting_round.deadline, datetime.time.max))
    owed = owed_reports(reporting_round)
    submitted = set(
        reporting_round.reports.filter(submitted_at__lte=deadline).values_list("unit_id", "task_id")
    )
    units = {unit_id for unit_id, _task in owed}
    late = {unit_id for unit_id, task_id in owed if (unit_id, task_id) not in submitted}
    return {tree.district: len(units - late)}, {tree.district: len(units)}


@registry.indicator("tasks_on_schedule", reads=READS)
def tasks_on_schedule(
    as_of: datetime.date, tree: RegionTree, reporting_round: ReportingRound | None = None
) -> IndicatorResult:
    """Tasks whose accepted reports all say on track or completed (and at least one does)."""
    if reporting_round is None:
        return {}, {}
    tasks = reporting_round.plan.areas.values_list("tasks", flat=True)
    accepted = reporting_round.reports.filter(state="accepted")
    on_track = accepted.filter(progress__in=["on_track", "completed"]).values_list("task", flat=True)
    behind = accepted.filter(~Q(progress__in=["on_track", "completed"])).values_list("task", flat=True)
    good = set(on_track) - set(behind)
    return {tree.district: len(good)}, {tree.district: len(set(tasks))}
