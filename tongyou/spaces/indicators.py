"""Indicators computed from the facility registry and its inspections.

Registered with the kernel (core/registry.py); monitoring stores the values.

Each calculator takes the day the period ends (or today, for the period under way), the region
tree and the reporting round, and returns (numerators, denominators): counts by region id for the
district, every street and every community, or by the district alone where the figure has no
geography. Children count where they live (`residence_region`, a grid), rolled up the region tree.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum

from tongyou.core.registry import IndicatorResult, registry
from tongyou.regions.models import Region
from tongyou.regions.tree import areas_having, share_of_areas

from . import coverage
from .inspections import found_in_latest_inspection, monitored_in_year, share_meeting_standard
from .models import Designation, Facility, Finding, Inspection, Population

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree

# The records these indicators are computed from: a change to any marks them for recomputing.
READS = (Facility, Designation, Inspection, Finding, Population)


@registry.indicator("bus_hub_standard", reads=READS)
def bus_hub_standard(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """Bus hubs whose latest inspection found the mother-baby room, child toilet and child basin."""
    meeting, hubs = share_meeting_standard("bus_hub")
    return {tree.district: meeting}, {tree.district: hubs}


def _by_region(facilities: Any) -> dict:
    return dict(facilities.values_list("region").annotate(n=Count("pk")).values_list("region", "n"))


def _facilities(tree: RegionTree, kind: str) -> Any:
    return tree.roll_up(_by_region(Facility.objects.filter(kind=kind)))


@registry.indicator("venues_monitored", reads=READS)
def venues_monitored(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """Play areas, training institutions and sports venues inspected in the year (plan task 四.5)."""
    inspected, monitored = monitored_in_year(Facility.objects.all(), as_of.year)
    return tree.roll_up(_by_region(inspected)), tree.roll_up(_by_region(monitored))


@registry.indicator("mother_baby_rooms_built", reads=READS)
def mother_baby_rooms_built(
    as_of: dt.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    """Large public places whose latest inspection found an independent mother-baby room."""
    places = Facility.objects.filter(kind="public_place")
    built = found_in_latest_inspection(places, "mother_baby_room")
    return tree.roll_up(_by_region(built)), tree.roll_up(_by_region(places))


def _designated(kind: str, as_of: dt.date) -> QuerySet[Facility]:
    return Facility.objects.filter(designations__kind=kind, designations__designated_on__lte=as_of).distinct()


@registry.indicator("child_friendly_streets", reads=READS)
def child_friendly_streets(
    as_of: dt.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    """Streets (or road sections) designated child-friendly by the end of the period."""
    return tree.roll_up(
        _by_region(Facility.objects.filter(pk__in=_designated("street", as_of).values("pk")))
    ), None


@registry.indicator("streets_with_child_friendly_community", reads=READS)
def streets_with_child_friendly_community(
    as_of: dt.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    """Streets and towns with at least one community designated child-friendly."""
    communities = _designated("community", as_of).values_list("region", flat=True)
    return share_of_areas(tree, areas_having(set(communities), Region.Level.STREET))


@registry.indicator("childrens_home_coverage", reads=READS)
def childrens_home_coverage(
    as_of: dt.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    """Communities and villages with a children's home (儿童之家), by street and district."""
    homes = set(Facility.objects.filter(kind="childrens_home").values_list("region", flat=True))
    return share_of_areas(tree, areas_having(homes, Region.Level.COMMUNITY))


@registry.indicator("play_space_reach", reads=READS)
def play_space_reach(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """Children 0–12 whose grid is within walking distance of a play area or park (300 m by
    default), from the facility registry as it stands today."""
    counts = coverage.grid_counts("play", as_of)
    covered = coverage.covered_grids("play", coverage.grid_centres(counts))
    return tree.roll_up({g: n for g, n in counts.items() if g in covered}), tree.roll_up(counts)


@registry.indicator("public_nurseries", reads=READS)
def public_nurseries(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    return _facilities(tree, "nursery_public"), None


@registry.indicator("community_nurseries", reads=READS)
def community_nurseries(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    return _facilities(tree, "nursery_community"), None


@registry.indicator("nursery_places", reads=READS)
def nursery_places(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """Nursery places (the capacity of every nursery) per 1,000 residents, where the statistics
    bureau's population for the year (or the latest before it) is recorded."""
    nurseries = Facility.objects.filter(
        kind__in=["nursery_public", "nursery_community", "nursery_private"], capacity__isnull=False
    )
    places = tree.roll_up(
        dict(nurseries.values_list("region").annotate(n=Sum("capacity")).values_list("region", "n"))
    )
    population = {}
    for region_id, _year, people in (
        Population.objects.filter(year__lte=as_of.year)
        .order_by("year")
        .values_list("region", "year", "population")
    ):
        population[region_id] = people  # later years overwrite earlier ones
    return {r: places.get(r, 0) or 0 for r in population}, population
