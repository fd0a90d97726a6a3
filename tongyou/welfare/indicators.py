"""Indicators computed from welfare's registers, applications and harm reports.

Registered with the kernel (core/registry.py); monitoring stores the values.

Each calculator takes the day the period ends (or today, for the period under way), the region
tree and the reporting round, and returns (numerators, denominators): counts by region id for the
district, every street and every community, or by the district alone where the figure has no
geography. Children count where they live (`residence_region`, a grid), rolled up the region tree.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef

from tongyou.core.registry import IndicatorResult, registry
from tongyou.datahub.codes import ChildStatus
from tongyou.datahub.indicators import children_aged, shares
from tongyou.datahub.models import Child, StatusPeriod
from tongyou.datahub.services.filters import current

from . import harm, ledger
from .eligibility import allowance_categories
from .models import AllowanceApplication, Category, HarmReport, Status, Visit

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree

# The records these indicators are computed from: a change to any marks them for recomputing.
READS = (AllowanceApplication, HarmReport, Visit, Child, StatusPeriod)


def _with_allowance(categories: Any) -> Exists:
    return Exists(
        AllowanceApplication.objects.filter(
            child=OuterRef("pk"), category__in=categories, status__in=(Status.ACTIVE, Status.SUSPENDED)
        )
    )


@registry.indicator("allowance_coverage", reads=READS)
def allowance_coverage(
    as_of: datetime.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    """Children identified as orphans or de-facto unsupported who receive the allowance. No data
    (not 0 %) while the allowance register is not in use here: nothing has been recorded yet."""
    if not AllowanceApplication.objects.exists():
        return {}, {}
    statuses = [ChildStatus.ORPHAN, ChildStatus.DE_FACTO_UNSUPPORTED]
    identified = children_aged(as_of).filter(Exists(current(StatusPeriod, as_of, status__in=statuses)))
    return shares(tree, identified.filter(_with_allowance(allowance_categories())), identified)


@registry.indicator("orphan_agreements", reads=READS)
def orphan_agreements(
    as_of: datetime.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    """Orphans whose allowance is in force: the agreement step comes before payment starts."""
    if not AllowanceApplication.objects.exists():
        return {}, {}  # the register is not in use yet: no data, not 0 %
    orphans = children_aged(as_of).filter(Exists(current(StatusPeriod, as_of, status=ChildStatus.ORPHAN)))
    covered = orphans.filter(_with_allowance([Category.ORPHAN, Category.ORPHAN_INSTITUTION]))
    return shares(tree, covered, orphans)


@registry.indicator("ledger_freshness", reads=READS)
def ledger_freshness(
    as_of: datetime.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    """Children in the registers visited within the review interval (a quarter by default)."""
    registered = ledger.in_registers(Child.objects.all(), as_of)
    fresh = registered.filter(last_visit__gte=as_of - datetime.timedelta(days=ledger.review_days()))
    return shares(tree, fresh, registered)


@registry.indicator("harm_response", reads=READS)
def harm_response(as_of: datetime.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """Harm reports of the year to date triaged within the triage clock."""
    start = datetime.date(as_of.year, 1, 1)
    reports = HarmReport.objects.filter(received_at__date__gte=start, received_at__date__lte=as_of)
    received: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    limit = harm.clock("triage")
    for report in reports.prefetch_related("actions"):
        received[report.region_id] += 1
        triaged = [a.at for a in report.actions.all() if a.kind == "triage"]
        if triaged and min(triaged) - report.received_at <= limit:
            answered[report.region_id] += 1
    return tree.roll_up(answered), tree.roll_up(received)
