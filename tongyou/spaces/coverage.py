"""Walking-distance coverage: the share of an age group living within a facility type's service
radius, by street and community.

Children are counted where they live, by grid (网格), at the grid's centre: the registry holds no
finer position, and none is needed to count. How far is "within walking distance" is
`distance.current_measure()`: straight line × SPACES_DETOUR_FACTOR (default 1.3), or along the
street network when one is loaded. Service radii follow GB 50180-2018 for kindergartens (300 m),
primary (500 m) and middle schools (1,000 m); the others are our choice from the standard's 5-,
10- and 15-minute life circles (300 / 500 / 1,000 m). All are the setting SPACES_SERVICE_RADII."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongyou.core.disclosure import Signature, total
from tongyou.datahub.models import Child
from tongyou.datahub.services.columns import region_age_table
from tongyou.datahub.services.filters import years_before
from tongyou.regions.models import Region

from .distance import current_measure
from .models import Facility, FacilityKind

K = FacilityKind


@dataclass(frozen=True)
class Group:
    """Facilities that serve one age group, with how far a child should have to walk to one."""

    label: str | Promise
    kinds: tuple
    youngest: int
    oldest: int
    radius_m: int

    @property
    def ages(self) -> str:
        return f"{self.youngest}–{self.oldest}"


GROUPS = {
    "kindergarten": Group(
        _("Kindergarten"), (K.KINDERGARTEN_PUBLIC, K.KINDERGARTEN_INCLUSIVE, K.KINDERGARTEN_OTHER), 3, 5, 300
    ),
    "primary": Group(_("Primary school"), (K.PRIMARY,), 6, 11, 500),
    "middle": Group(_("Middle school"), (K.MIDDLE,), 12, 14, 1000),
    "nursery": Group(_("Nursery"), (K.NURSERY_PUBLIC, K.NURSERY_COMMUNITY, K.NURSERY_PRIVATE), 0, 2, 300),
    "play": Group(_("Play area or park"), (K.PLAY_AREA, K.POCKET_PARK, K.PARK), 0, 12, 300),
    "childrens_home": Group(_("Children's home (儿童之家)"), (K.CHILDRENS_HOME,), 0, 17, 500),
    "library": Group(_("Library"), (K.LIBRARY, K.CHILDRENS_LIBRARY), 3, 17, 1000),
    "sports": Group(_("Sports venue"), (K.SPORTS,), 6, 17, 1000),
    "paediatrics": Group(
        _("Paediatric care"), (K.PAEDIATRIC_CLINIC, K.PAEDIATRIC_HOSPITAL, K.MCH_INSTITUTION), 0, 17, 1000
    ),
    "mother_baby_room": Group(_("Mother-baby room"), (K.MOTHER_BABY_ROOM,), 0, 1, 500),
}


def group_or_default(key: str) -> str:
    return key if key in GROUPS else "kindergarten"


def radius_m(group: Any) -> Any:
    return getattr(settings, "SPACES_SERVICE_RADII", {}).get(group, GROUPS[group].radius_m)


def ages_filter(group: Any, as_of: dt.date) -> Q:
    spec = GROUPS[group]
    return Q(
        birth_date__gt=years_before(as_of, spec.oldest + 1),
        birth_date__lte=years_before(as_of, spec.youngest),
    )


def grid_counts(group: Any, as_of: dt.date, signatures: bool = False) -> dict[Any, Any]:
    """{grid id: children of the group's ages living there} (or their disclosure Signatures)."""
    return grid_counts_by_group(as_of, [group], signatures=signatures)[group]


def grid_counts_by_group(
    as_of: dt.date, groups: Any = None, signatures: bool = False
) -> dict[str, dict[Any, Any]]:
    """{group: {grid id: children of its ages}} for many groups in one pass over the children.
    With `signatures`, each value is the Signature of those children (count and id sum), for
    core/disclosure.py."""
    groups = list(groups or GROUPS)
    table = region_age_table(as_of, signatures)
    if table is not None:
        return _counts_from_table(table, groups)
    aggregates: dict[str, Count | Sum] = {f"n_{g}": Count("pk", filter=ages_filter(g, as_of)) for g in groups}
    if signatures:
        aggregates |= {f"s_{g}": Sum("pk", filter=ages_filter(g, as_of)) for g in groups}
    names = [f"n_{g}" for g in groups] + ([f"s_{g}" for g in groups] if signatures else [])
    grouped = Child.objects.values("residence_region").annotate(**aggregates)
    rows = grouped.values_list("residence_region", *names)
    counts: dict[str, dict] = {g: {} for g in groups}
    for grid_id, *numbers in rows:
        for index, group in enumerate(groups):
            n = numbers[index]
            if n:
                counts[group][grid_id] = Signature(n, numbers[len(groups) + index]) if signatures else n
    return counts


def _counts_from_table(
    table: tuple[np.ndarray, np.ndarray | None], groups: list[str]
) -> dict[str, dict[Any, Any]]:
    """The same answer from the data hub's in-memory children by region and age (five times
    faster than the database's pass at a million children: benchmarks/spaces_coverage.py)."""
    by_age, id_sums = table
    counts: dict[str, dict] = {}
    for group in groups:
        spec = GROUPS[group]
        ages = slice(spec.youngest, spec.oldest + 1)
        per_region = by_age[:, ages].sum(axis=1)
        found = np.flatnonzero(per_region)
        if id_sums is None:
            counts[group] = dict(zip(found.tolist(), per_region[found].tolist(), strict=True))
        else:
            sums = id_sums[:, ages].sum(axis=1)
            counts[group] = {
                int(region): Signature(int(per_region[region]), int(sums[region])) for region in found
            }
    return counts


def facility_points(groups: Any = None) -> dict:
    """{group: array of (lat, lng)} of the facilities serving each group, in one query."""
    groups = list(groups or GROUPS)
    group_of = {kind: g for g in groups for kind in GROUPS[g].kinds}
    points: dict[str, list] = {g: [] for g in groups}
    for kind, lat, lng in Facility.objects.filter(kind__in=group_of).values_list(
        "kind", "latitude", "longitude"
    ):
        points[group_of[kind]].append((lat, lng))
    return {g: np.array(p, dtype=float).reshape(-1, 2) for g, p in points.items()}


def covered_grids(group: Any, grids: Any, measure: Any = None, facilities: Any = None) -> set:
    """The grid ids (of `grids`: {id: (lat, lng)}) within walking distance of a facility."""
    if not grids:
        return set()
    measure = measure or current_measure()
    facilities = facility_points([group])[group] if facilities is None else facilities
    ids = list(grids)
    reached = measure.reached(facilities, [grids[g] for g in ids], radius_m(group))
    return {g for g, hit in zip(ids, reached, strict=True) if hit}


def grid_centres(grid_ids: Any, within: Region | None = None) -> dict:
    regions = Region.objects.filter(pk__in=grid_ids, centroid_lat__isnull=False)
    if within is not None:
        regions = regions.filter(path__startswith=within.path)
    return {
        pk: (float(lat), float(lng))
        for pk, lat, lng in regions.values_list("pk", "centroid_lat", "centroid_lng")
        if lat is not None and lng is not None
    }


@dataclass
class Area:
    code: str
    name: str
    children: int
    covered: int
    # The contributor sets behind the counts (core/disclosure.py), when asked for.
    children_set: Signature | None = None
    covered_set: Signature | None = None

    @property
    def uncovered(self) -> int:
        return self.children - self.covered

    @property
    def uncovered_set(self) -> Signature:
        return (self.children_set or Signature()) - (self.covered_set or Signature())

    @property
    def share(self) -> Any:
        return round(100 * self.covered / self.children, 1) if self.children else None


class AreaRollup:
    """Grid counts summed to streets or communities (read the region paths and names once; the
    sums are `bincount`s over grid arrays: a Python loop over grids was most of the table's time)."""

    def __init__(self, grid_ids: Any) -> None:
        self.paths = dict(Region.objects.filter(pk__in=grid_ids).values_list("pk", "path"))
        self.names: dict = {}
        self._levels: dict[int, tuple[dict[int, int], list[str]]] = {}

    def _level(self, level: int) -> tuple[dict[int, int], list[str]]:
        """({grid id: index of its area at `level`}, the areas' codes)."""
        if level not in self._levels:
            code_of = {pk: path.strip("/").split("/")[level - 1] for pk, path in self.paths.items()}
            codes = sorted(set(code_of.values()))
            index = {code: i for i, code in enumerate(codes)}
            self._levels[level] = ({pk: index[code] for pk, code in code_of.items()}, codes)
        return self._levels[level]

    def areas(self, counts: Any, covered: Any, level: int) -> list[Area]:
        """`counts` are numbers, or Signatures (then each Area carries its sets too)."""
        if not counts:
            return []
        area_of, codes = self._level(level)
        signed = isinstance(next(iter(counts.values())), Signature)
        grids = list(counts)
        area = np.fromiter((area_of[g] for g in grids), dtype=np.intp, count=len(grids))
        hit = np.fromiter((g in covered for g in grids), dtype=bool, count=len(grids))
        values = counts.values()
        if signed:
            n = np.fromiter((v.n for v in values), dtype=np.int64, count=len(grids))
            sums = np.fromiter((v.id_sum for v in values), dtype=np.int64, count=len(grids))
        else:
            n = np.fromiter(values, dtype=np.int64, count=len(grids))
        size = len(codes)

        def summed(weights: np.ndarray, where: np.ndarray | None = None) -> list[int]:
            chosen, picked = (area, weights) if where is None else (area[where], weights[where])
            # Float sums are exact below 2**53 (a million children with ids under 10**9).
            return np.rint(np.bincount(chosen, weights=picked, minlength=size)).astype(np.int64).tolist()

        totals, hits = summed(n), summed(n, hit)
        total_sums, hit_sums = (summed(sums), summed(sums, hit)) if signed else ([], [])
        present = [i for i in range(size) if totals[i]]
        missing = {codes[i] for i in present} - set(self.names)
        self.names.update(Region.objects.filter(code__in=missing).values_list("code", "name"))
        areas = [
            Area(
                codes[i],
                self.names[codes[i]],
                totals[i],
                hits[i],
                Signature(totals[i], total_sums[i]) if signed else None,
                Signature(hits[i], hit_sums[i]) if signed else None,
            )
            for i in present
        ]
        areas.sort(key=lambda a: (-a.uncovered, a.code))
        return areas


def coverage(group: Any, as_of: dt.date, level: int = Region.Level.STREET) -> tuple:
    """[Area] at `level` (streets or communities), worst first, and the uncovered grids."""
    counts = grid_counts(group, as_of)
    covered = covered_grids(group, grid_centres(counts))
    uncovered = [grid_id for grid_id in counts if grid_id not in covered]
    return AreaRollup(counts).areas(counts, covered, level), uncovered


def coverage_table(
    as_of: dt.date, levels: Any = (Region.Level.STREET, Region.Level.COMMUNITY), signatures: bool = False
) -> dict:
    """The full coverage table: {group: {level: [Area]}} for every facility group, from one pass
    over the children and one distance query per group."""
    counts = grid_counts_by_group(as_of, signatures=signatures)
    grids = set().union(*counts.values())
    centres = grid_centres(grids)
    rollup = AreaRollup(grids)
    measure = current_measure()
    facilities = facility_points()
    table: dict = {}
    for group, group_counts in counts.items():
        located = {g: centres[g] for g in group_counts if g in centres}
        covered = covered_grids(group, located, measure, facilities[group])
        table[group] = {level: rollup.areas(group_counts, covered, level) for level in levels}
    return table


@dataclass
class Site:
    code: str
    name: str
    latitude: float
    longitude: float
    newly_covered: int
    newly_covered_set: Signature | None = None  # for core/disclosure.py


def best_sites(group: Any, count: Any, as_of: dt.date, within: Region | None = None) -> list:
    """The `count` candidate sites that would cover the most children not yet covered, chosen one
    by one (greedy maximal coverage: each pick is the best given the picks before it). Candidates
    are the centres of the grids where such children live; `within` limits them to a region."""
    counts = grid_counts(group, as_of, signatures=True)
    grids = grid_centres(counts, within)
    measure = current_measure()
    uncovered = sorted(set(grids) - covered_grids(group, grids, measure))
    if not uncovered:
        return []
    points = [grids[g] for g in uncovered]
    # reach[i] = the uncovered grids a site at grid i would cover
    reach = measure.neighbourhoods(points, radius_m(group))
    remaining = np.array([counts[g].n for g in uncovered], dtype=float)
    names = {
        r.pk: (r.code, f"{r.parent.name if r.parent else ''}{r.name}")
        for r in Region.objects.filter(pk__in=uncovered).select_related("parent")
    }
    picks = []
    for _pick in range(min(count, len(uncovered))):
        gains = np.array([remaining[r].sum() for r in reach])
        best = int(gains.argmax())
        if gains[best] <= 0:
            break
        code, name = names[uncovered[best]]
        gained = total(counts[uncovered[i]] for i in reach[best] if remaining[i] > 0)
        picks.append(Site(code, name, points[best][0], points[best][1], int(gains[best]), gained))
        remaining[reach[best]] = 0
    return picks
