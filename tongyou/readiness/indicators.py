"""GS-10 and GS-11 (task (四)6), computed from the readiness registries (registered with the
kernel; monitoring stores the values)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Sum

from tongyou.core.registry import IndicatorResult, registry
from tongyou.datahub.models import Child

from .models import Screening, SupplyMovement
from .screenings import current, population

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree


@registry.indicator("orphan_screening", reads=(Screening,))
def orphan_screening(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """GS-10 孤儿风险排查完成率: orphans and de-facto-unsupported children whose latest screening by
    the day is still current, of all of them, where they live."""
    children = population(as_of)
    screened = current(children, as_of)
    everyone: dict[int, int] = {}
    done: dict[int, int] = {}
    for pk, region in Child.objects.filter(pk__in=children).values_list("pk", "residence_region"):
        everyone[region] = everyone.get(region, 0) + 1
        if pk in screened:
            done[region] = done.get(region, 0) + 1
    return tree.roll_up(done), tree.roll_up(everyone)


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
        for area in tree.areas_of(region):
            kinds.setdefault(area, set()).add(item)
    return {region: len(items) for region, items in kinds.items()}, None


def task_facts(year: int) -> list[str]:
    """What the readiness records show for plan task (四)6 in `year`, for the annual report:
    places, plans, drills, supplies and education (things), and children screened (persons,
    protected as for every reader without access to the records)."""
    import datetime as _dt

    from django.utils import timezone

    from tongyou.community.models import Activity
    from tongyou.core import disclosure
    from tongyou.regions.tree import RegionTree
    from tongyou.spaces.models import Facility

    from .models import DENSE_KINDS, Drill, EmergencyPlan

    day = min(_dt.date(year, 12, 31), timezone.localdate())
    places = Facility.objects.filter(kind__in=DENSE_KINDS).count()
    plans = EmergencyPlan.objects.filter(approved_on__lte=day).count()
    drills = Drill.objects.filter(held_on__year=year).count()
    education = Activity.objects.filter(kind=Activity.Kind.DISASTER_EDUCATION, starts_at__year=year).count()
    tree = RegionTree()
    kinds = child_supply_kinds(day, tree)[0].get(tree.district, 0)
    children = population(day)
    screened = current(children, day)
    if not (plans or drills or kinds or screened or education):
        return []
    shown_current = disclosure.persons(disclosure.Signature.of(screened), disclosure.PROTECTED)
    shown_all = disclosure.persons(disclosure.Signature.of(children), disclosure.PROTECTED)
    share = disclosure.share(shown_current, shown_all)
    return [
        f"儿童密集场所{places}处，已制定应急预案{plans}处，年内开展应急演练{drills}次；"
        f"储备儿童专用应急物资{kinds}类；开展防灾减灾教育活动{education}场",
        "孤儿和事实无人抚养儿童风险排查在有效期内的"
        + disclosure.reported_persons(shown_current, "人", share),
    ]
