"""Walking-distance coverage: the full coverage table (ten facility groups, by street and by
community) for the synthetic district and 5,000 facilities, against a brute-force all-pairs
distance computation (every child to every facility, NumPy haversine) on a sample of children,
scaled up to all of them. Both give each sampled child the same covered/not covered answer
(checked in the run).

A second pair measures the distance step alone on a million distinct points (as if every child
had a geocoded address): the k-d tree against the same brute force on a sample, scaled up."""

import datetime
import random
import time

import numpy as np
from django.conf import settings
from scipy.spatial import cKDTree

from tongyou.core.geo import haversine_km
from tongyou.datahub.models import Child
from tongyou.datahub.services.columns import child_columns
from tongyou.datahub.services.filters import years_before
from tongyou.regions.models import Region
from tongyou.spaces import coverage
from tongyou.spaces.distance import StraightLine, chord, detour_factor, unit_vectors
from tongyou.spaces.models import Facility

from .common import ensure_district

FACILITIES = 5_000
SAMPLE = 5_000


def ensure_facilities(count=FACILITIES, seed=7):
    """`count` facilities, spread evenly over the ten groups, near random community centres."""
    Facility.objects.filter(name__startswith="bench-").delete()
    rng = random.Random(seed)
    communities = list(
        Region.objects.filter(level=Region.Level.COMMUNITY, centroid_lat__isnull=False).values_list(
            "pk", "centroid_lat", "centroid_lng"
        )
    )
    kinds = [spec.kinds[0] for spec in coverage.GROUPS.values()]
    made = []
    for n in range(count):
        pk, lat, lng = rng.choice(communities)
        made.append(
            Facility(
                name=f"bench-{n}",
                kind=kinds[n % len(kinds)],
                region_id=pk,
                latitude=float(lat) + rng.uniform(-0.01, 0.01),
                longitude=float(lng) + rng.uniform(-0.01, 0.01),
                is_synthetic=True,
            )
        )
    Facility.objects.bulk_create(made, batch_size=2000)
    return len(kinds)


def brute_force(children, facilities, as_of, detour):
    """For each child (lat, lng, birth date), covered or not for each group, by measuring every
    facility: {group: boolean array}."""
    lats, lngs, births = children
    result = {}
    fac_lat, fac_lng, fac_group = facilities
    all_distances = np.empty((len(lats), len(fac_lat)))
    for i in range(len(lats)):
        all_distances[i] = haversine_km(lats[i], lngs[i], fac_lat, fac_lng) * 1000 * detour
    for group, spec in coverage.GROUPS.items():
        young = years_before(as_of, spec.oldest + 1)
        old = years_before(as_of, spec.youngest)
        in_age = np.array([young < b <= old for b in births])
        near = (all_distances[:, fac_group == group] <= coverage.radius_m(group)).any(axis=1)
        result[group] = in_age & near
    return result


def peer_table(as_of, detour):
    """The street figures {group: {street code: (children, covered)}} as a competent engineer
    would count them from the columns the statistics already hold: a birth-date mask and a
    `bincount` by region per group, grid centres in a cKDTree of unit vectors (straight line
    times the detour factor)."""
    columns = child_columns()
    centres = dict(
        (
            (pk, (float(lat), float(lng)))
            for pk, lat, lng in Region.objects.filter(
                level=Region.Level.GRID, centroid_lat__isnull=False
            ).values_list("pk", "centroid_lat", "centroid_lng")
        )
    )
    street_of = {
        pk: path.strip("/").split("/")[1]
        for pk, path in Region.objects.values_list("pk", "path")
        if path.count("/") > 2
    }
    facilities = coverage.facility_points()
    result = {}
    for group, spec in coverage.GROUPS.items():
        young = years_before(as_of, spec.oldest + 1).toordinal()
        old = years_before(as_of, spec.youngest).toordinal()
        in_age = (columns.birth > young) & (columns.birth <= old)
        per_region = np.bincount(columns.region[in_age])
        grids = [g for g in np.flatnonzero(per_region).tolist() if g in centres]
        covered = np.zeros(len(grids), dtype=bool)
        if len(facilities[group]) and grids:
            tree = cKDTree(unit_vectors(facilities[group]))
            found, _ = tree.query(
                unit_vectors([centres[g] for g in grids]),
                distance_upper_bound=chord(coverage.radius_m(group) / detour),
            )
            covered = np.isfinite(found)
        streets: dict = {}
        for grid, hit in zip(grids, covered, strict=True):
            n = int(per_region[grid])
            children, reached = streets.get(street_of[grid], (0, 0))
            streets[street_of[grid]] = (children + n, reached + (n if hit else 0))
        result[group] = streets
    return result


def run(best_of, children, **_):
    ensure_district(children)
    groups = ensure_facilities()
    as_of = datetime.date.today()
    total = Child.objects.count()
    detour = detour_factor()
    facilities = list(Facility.objects.values_list("latitude", "longitude", "kind"))
    group_of_kind = {kind: g for g, spec in coverage.GROUPS.items() for kind in spec.kinds}
    fac = (
        np.array([f[0] for f in facilities]),
        np.array([f[1] for f in facilities]),
        np.array([group_of_kind.get(f[2], "") for f in facilities]),
    )

    table = coverage.coverage_table(as_of)
    t_ours = best_of(lambda: coverage.coverage_table(as_of), repeat=3)
    settings.DATAHUB_STATISTICS_IN_MEMORY = False
    t_sql = best_of(lambda: coverage.coverage_table(as_of), repeat=3)
    settings.DATAHUB_STATISTICS_IN_MEMORY = True
    peer = peer_table(as_of, detour)
    for group, streets in peer.items():
        ours = {a.code: (a.children, a.covered) for a in table[group][Region.Level.STREET]}
        assert ours == streets, group
    t_peer = best_of(lambda: peer_table(as_of, detour), repeat=3)

    def cold():  # the day's region × age table counted again, as on a new day
        child_columns()._derived.clear()
        coverage.coverage_table(as_of)

    t_cold = best_of(cold, repeat=3)

    centres = {
        pk: (float(lat), float(lng))
        for pk, lat, lng in Region.objects.filter(level=Region.Level.GRID).values_list(
            "pk", "centroid_lat", "centroid_lng"
        )
    }
    sample = list(Child.objects.order_by("?").values_list("residence_region", "birth_date")[:SAMPLE])
    points = (
        np.array([centres[g][0] for g, _b in sample]),
        np.array([centres[g][1] for g, _b in sample]),
        [b for _g, b in sample],
    )
    start = time.perf_counter()
    theirs = brute_force(points, fac, as_of, detour)
    t_sample = time.perf_counter() - start
    t_brute = t_sample * total / len(sample)
    # The same answer for every sampled child: in the group's ages and in a covered grid.
    counts = coverage.grid_counts_by_group(as_of)
    for group in coverage.GROUPS:
        covered = coverage.covered_grids(group, {g: centres[g] for g in counts[group]})
        young = years_before(as_of, coverage.GROUPS[group].oldest + 1)
        old = years_before(as_of, coverage.GROUPS[group].youngest)
        ours = np.array([g in covered and young < b <= old for g, b in sample])
        assert (ours == theirs[group]).all(), group
    streets = len(table["kindergarten"][Region.Level.STREET])
    communities = len(table["kindergarten"][Region.Level.COMMUNITY])
    lines = [
        f"coverage table: {total} children, {len(facilities)} facilities in {groups} groups, "
        f"{streets} streets and {communities} communities; baseline = brute-force all-pairs haversine "
        f"on {len(sample)} children, scaled up:",
        f"  brute force {t_brute:8.2f} s (sample {t_sample * 1e3:.0f} ms)  Tongyou {t_ours:6.2f} s  "
        f"{t_brute / t_ours:7.1f}x faster",
        f"  strongest peer (NumPy counts over the data hub's in-memory columns, a k-d tree per group, "
        f"same street figures asserted): {t_peer * 1e3:7.1f} ms  Tongyou {t_ours * 1e3:7.1f} ms  "
        f"{t_peer / t_ours:5.2f}x the peer's speed (the day's region x age table kept until a change; "
        f"counted again each time: {t_cold * 1e3:.1f} ms, {t_peer / t_cold:4.2f}x)",
        f"  the table counted in the database (before issue #23, for the record): {t_sql * 1e3:7.1f} ms  "
        f"({t_sql / t_ours:5.1f}x Tongyou's time now)",
    ]

    # The distance step alone on a million distinct points.
    rng = np.random.default_rng(11)
    many = 1_000_000
    lat = rng.uniform(40.70, 40.90, many)
    lng = rng.uniform(111.50, 111.80, many)
    kinder = fac[2] == "kindergarten"
    kinder_points = np.column_stack([fac[0][kinder], fac[1][kinder]])
    measure = StraightLine(detour)
    t_tree = best_of(lambda: measure.reached(kinder_points, np.column_stack([lat, lng]), 300), repeat=3)
    start = time.perf_counter()
    small = 20_000
    brute = np.array(
        [
            (
                haversine_km(lat[i], lng[i], kinder_points[:, 0], kinder_points[:, 1]) * 1000 * detour <= 300
            ).any()
            for i in range(small)
        ]
    )
    t_brute_points = (time.perf_counter() - start) * many / small
    assert (brute == measure.reached(kinder_points, np.column_stack([lat[:small], lng[:small]]), 300)).all()
    lines += [
        f"distance step alone: {many} distinct points x {len(kinder_points)} kindergartens; baseline = "
        f"brute force on {small} points, scaled up:",
        f"  brute force {t_brute_points:8.2f} s  k-d tree {t_tree:6.2f} s  "
        f"{t_brute_points / t_tree:7.1f}x faster",
        "",
    ]
    Facility.objects.filter(name__startswith="bench-").delete()
    return lines
