"""RP-05, computed from the special register (registered with the kernel; monitoring stores the
values)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from tongyou.core.registry import IndicatorResult, registry

from .coverage import assisted_children, priority_registrations
from .models import Application, Registration

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree

READS = (Registration, Application)


@registry.indicator("rehab_assistance", reads=READS)
def rehab_assistance(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """RP-05 残疾儿童康复救助覆盖率: disabled children 0–10 needing rehabilitation who were
    assisted in the year, of all of them, where they live."""
    assisted = assisted_children(as_of.year)
    registered: dict[int, set[int]] = {}
    for child_id, region in (
        Registration.objects.filter(priority_registrations(as_of.year))
        .values_list("child_id", "child__residence_region")
        .iterator()
    ):
        registered.setdefault(region, set()).add(child_id)
    denominators = {region: len(ids) for region, ids in registered.items()}
    numerators = {region: len(ids & assisted) for region, ids in registered.items()}
    return tree.roll_up(numerators), tree.roll_up(denominators)
