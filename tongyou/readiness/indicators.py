"""GS-10 and GS-11 (task (四)6), computed from the readiness registries (registered with the
kernel; monitoring stores the values)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Sum

from tongyou.core.registry import IndicatorResult, registry
from tongyou.datahub.models import Child

from .models import Screening, SupplyMovement
from .screenings import population

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree


@registry.indicator("orphan_screening", reads=(Screening,))
def orphan_screening(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """GS-10 孤儿风险排查完成率: orphans and de-facto-unsupported children whose latest screening by
    the day is still current, of all of them, where they live."""
    children = population(as_of)
    latest: dict[int, dt.date] = {}
    for child_id, next_due in Screening.objects.filter(
        child_id__in=children, screened_on__lte=as_of
    ).values_list("child_id", "next_due"):
        latest[child_id] = max(latest.get(child_id, next_due), next_due)
    everyone: dict[int, int] = {}
    current: dict[int, int] = {}
    for pk, region in Child.objects.filter(pk__in=children).values_list("pk", "residence_region"):
        everyone[region] = everyone.get(region, 0) + 1
        if latest.get(pk, dt.date.min) >= as_of:
            current[region] = current.get(region, 0) + 1
    return tree.roll_up(current), tree.roll_up(everyone)


@registry.indicator("child_supply_kinds", reads=(SupplyMovement,))
def child_supply_kinds(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """GS-11 应急物资中儿童专用品类数: the kinds of children's items held on the day (from the
    movement ledger), in each community and, as distinct kinds, in each street and the district."""
    held = (
        SupplyMovement.objects.filter(on__lte=as_of)
        .values_list("stock__region", "stock__item")
        .annotate(total=Sum("change"))
    )
    kinds: dict[int, set[str]] = {}
    for region, item, total in held:
        if not total or total <= 0:
            continue
        for code in tree.paths[region].strip("/").split("/")[:3]:
            kinds.setdefault(tree.by_code[code], set()).add(item)
    return {region: len(items) for region, items in kinds.items()}, None
