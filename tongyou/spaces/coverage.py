"""Walking-distance coverage: the share of an age group living within a facility type's service
radius, by street and community.

Children are counted where they live, by grid (网格), at the grid's centre: the registry holds no
finer position, and none is needed to count. Distance is straight-line times the detour factor
SPACES_DETOUR_FACTOR (default 1.3); service radii follow GB 50180-2018 (kindergarten 300 m,
primary 500 m, middle school 1,000 m) and are the setting SPACES_SERVICE_RADII."""

from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count

from tongyou.alerts.services.geo import haversine_km
from tongyou.datahub.models import Child
from tongyou.datahub.services.filters import years_before
from tongyou.regions.models import Region

from .models import Facility, FacilityKind

K = FacilityKind
# facility group: (the kinds that serve it, youngest age, oldest age)
GROUPS = {
    "kindergarten": ((K.KINDERGARTEN_PUBLIC, K.KINDERGARTEN_INCLUSIVE, K.KINDERGARTEN_OTHER), 3, 5),
    "primary": ((K.PRIMARY,), 6, 11),
    "middle": ((K.MIDDLE,), 12, 14),
    "nursery": ((K.NURSERY_PUBLIC, K.NURSERY_COMMUNITY, K.NURSERY_PRIVATE), 0, 2),
    "play": ((K.PLAY_AREA, K.POCKET_PARK, K.PARK), 0, 12),
}
DEFAULT_RADII_M = {"kindergarten": 300, "primary": 500, "middle": 1000, "nursery": 300, "play": 300}


def radius_m(group):
    return {**DEFAULT_RADII_M, **getattr(settings, "SPACES_SERVICE_RADII", {})}[group]


def detour():
    return getattr(settings, "SPACES_DETOUR_FACTOR", 1.3)


@dataclass
class Area:
    code: str
    name: str
    children: int
    covered: int

    @property
    def uncovered(self):
        return self.children - self.covered

    @property
    def share(self):
        return round(100 * self.covered / self.children, 1) if self.children else None


def grid_counts(group, as_of):
    """{grid id: children of the group's ages living there}."""
    _kinds, youngest, oldest = GROUPS[group]
    children = Child.objects.filter(
        birth_date__gt=years_before(as_of, oldest + 1), birth_date__lte=years_before(as_of, youngest)
    )
    return dict(
        children.values_list("residence_region").annotate(n=Count("pk")).values_list("residence_region", "n")
    )


def covered_grids(group, grids):
    """The grid ids (of `grids`: {id: (lat, lng)}) within walking distance of a facility."""
    kinds = GROUPS[group][0]
    facilities = np.array(
        list(Facility.objects.filter(kind__in=kinds).values_list("latitude", "longitude")), dtype=float
    )
    if not len(facilities) or not grids:
        return set()
    reach_km = radius_m(group) / 1000 / detour()
    covered = set()
    for grid_id, (lat, lng) in grids.items():
        if (haversine_km(lat, lng, facilities[:, 0], facilities[:, 1]) <= reach_km).any():
            covered.add(grid_id)
    return covered


def coverage(group, as_of, level=Region.Level.STREET):
    """[Area] at `level` (streets or communities), worst first, and the uncovered grids."""
    counts = grid_counts(group, as_of)
    grids = {
        r.pk: (float(r.centroid_lat), float(r.centroid_lng))
        for r in Region.objects.filter(pk__in=counts, centroid_lat__isnull=False)
    }
    covered = covered_grids(group, grids)
    paths = dict(Region.objects.filter(pk__in=counts).values_list("pk", "path"))
    totals, hits = Counter(), Counter()
    for grid_id, n in counts.items():
        code = paths[grid_id].strip("/").split("/")[level - 1]
        totals[code] += n
        hits[code] += n if grid_id in covered else 0
    names = dict(Region.objects.filter(code__in=totals).values_list("code", "name"))
    areas = [Area(code, names[code], totals[code], hits[code]) for code in totals]
    areas.sort(key=lambda a: (-a.uncovered, a.code))
    uncovered = [grid_id for grid_id in counts if grid_id not in covered]
    return areas, uncovered


@dataclass
class Site:
    code: str
    name: str
    latitude: float
    longitude: float
    newly_covered: int


def best_sites(group, count, as_of, within=None):
    """The `count` candidate sites that would cover the most children not yet covered, chosen one
    by one (greedy maximal coverage: each pick is the best given the picks before it). Candidates
    are the centres of the grids where such children live; `within` limits them to a region."""
    counts = grid_counts(group, as_of)
    regions = Region.objects.filter(pk__in=counts, centroid_lat__isnull=False)
    if within is not None:
        regions = regions.filter(path__startswith=within.path)
    grids = {r.pk: (float(r.centroid_lat), float(r.centroid_lng)) for r in regions}
    names = {r.pk: (r.code, f"{r.parent.name}{r.name}") for r in regions.select_related("parent")}
    uncovered = {g: counts[g] for g in set(grids) - covered_grids(group, grids)}
    reach_km = radius_m(group) / 1000 / detour()
    ids = list(uncovered)
    if not ids:
        return []
    lats = np.array([grids[g][0] for g in ids])
    lngs = np.array([grids[g][1] for g in ids])
    weights = np.array([uncovered[g] for g in ids], dtype=float)
    # reach[i] = the uncovered grids a site at grid i would cover
    reach = [np.flatnonzero(haversine_km(lats[i], lngs[i], lats, lngs) <= reach_km) for i in range(len(ids))]
    remaining = weights.copy()
    picks = []
    for _ in range(min(count, len(ids))):
        gains = np.array([remaining[r].sum() for r in reach])
        best = int(gains.argmax())
        if gains[best] <= 0:
            break
        code, name = names[ids[best]]
        picks.append(Site(code, name, float(lats[best]), float(lngs[best]), int(gains[best])))
        remaining[reach[best]] = 0
    return picks
