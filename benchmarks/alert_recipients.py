"""The recipient set for an alert's circle: Tongyou's index (RecipientIndex, as the worker holds
it) against the strongest peers a competent engineer would pick — scikit-learn's BallTree with
the haversine metric and SciPy's cKDTree on unit vectors (the chord of the radius) — and, for the
record, the H3 cell index Tongyou used before and a vectorised NumPy scan of every location.
Every method's set is asserted equal to the scan's before it is timed. Points are spread uniformly
over Inner Mongolia and its neighbouring provinces (37–53°N, 97–126°E), at three scales, to show
how each cost grows."""

import math
import time

import h3
import numpy as np
from scipy.spatial import cKDTree
from sklearn.neighbors import BallTree

from tongyou.alerts.services import geo
from tongyou.core.geo import EARTH_RADIUS_KM, haversine_km

YUQUAN = (40.7768, 111.6531)
RADII = (100, 500)


class H3Index:
    """The previous design, kept for the record: positions by H3 cell at each topic resolution as
    sorted arrays; a circle's covering cells found by binary search, the candidates measured."""

    def __init__(self, ids, lats, lngs):
        self.ids, self.lats, self.lngs = ids, lats, lngs
        self.sorted = {}
        for resolution in geo.subscription_resolutions():
            cells = np.fromiter(
                (
                    h3.str_to_int(h3.latlng_to_cell(a, b, resolution))
                    for a, b in zip(lats.tolist(), lngs.tolist(), strict=True)
                ),
                dtype=np.uint64,
                count=len(ids),
            )
            order = np.argsort(cells, kind="stable")
            self.sorted[resolution] = (cells[order], order)

    def within(self, lat, lng, radius_km):
        resolution = geo.resolution_for(radius_km)
        cells, order = self.sorted[resolution]
        wanted = np.sort(
            np.fromiter(
                (h3.str_to_int(c) for c in geo.covering_cells(lat, lng, radius_km, resolution)),
                dtype=np.uint64,
            )
        )
        starts, ends = np.searchsorted(cells, wanted, "left"), np.searchsorted(cells, wanted, "right")
        candidates = np.concatenate([order[a:b] for a, b in zip(starts, ends, strict=True) if b > a])
        near = haversine_km(lat, lng, self.lats[candidates], self.lngs[candidates]) <= radius_km
        return self.ids[candidates[near]]


def unit_vectors(lats, lngs):
    p, la = np.radians(lats), np.radians(lngs)
    return np.column_stack([np.cos(p) * np.cos(la), np.cos(p) * np.sin(la), np.sin(p)])


def timed(build):
    start = time.perf_counter()
    made = build()
    return made, time.perf_counter() - start


def run(best_of, alert_recipients=10_000_000, **_):
    lines = [
        "alert recipient set; peers = scikit-learn BallTree (haversine) and SciPy cKDTree (unit "
        "vectors); ratio = peer's time / Tongyou's (> 1: Tongyou is faster); same set asserted:"
    ]
    largest = alert_recipients
    for n in (largest // 4, largest // 2, largest):
        lines += run_scale(best_of, n, with_h3=n == largest)
    return [*lines, ""]


def run_scale(best_of, n, with_h3):
    rng = np.random.default_rng(5)
    lats, lngs = rng.uniform(37, 53, n), rng.uniform(97, 126, n)
    ids = np.arange(n)
    ours, t_ours_build = timed(lambda: geo.RecipientIndex(ids, lats, lngs))
    ball, t_ball_build = timed(
        lambda: BallTree(np.radians(np.column_stack([lats, lngs])), metric="haversine")
    )
    kd, t_kd_build = timed(lambda: cKDTree(unit_vectors(lats, lngs)))
    lines = [
        f"  {n:,} locations — index build: Tongyou {t_ours_build:5.2f} s, "
        f"cKDTree {t_kd_build:5.2f} s ({t_kd_build / t_ours_build:4.1f}x), "
        f"BallTree {t_ball_build:5.2f} s ({t_ball_build / t_ours_build:4.1f}x)"
    ]
    h3_index = None
    if with_h3:
        h3_index, t_h3_build = timed(lambda: H3Index(ids, lats, lngs))
        lines[-1] += f", H3 cells (before) {t_h3_build:5.1f} s"
    query = np.radians([YUQUAN])
    for radius in RADII:
        scan = np.sort(ids[haversine_km(*YUQUAN, lats, lngs) <= radius])
        methods = {
            "Tongyou": lambda radius=radius: ours.within(*YUQUAN, radius),
            "BallTree": lambda radius=radius: ball.query_radius(query, r=radius / EARTH_RADIUS_KM)[0],
            "cKDTree": lambda radius=radius: kd.query_ball_point(
                unit_vectors(*np.array([YUQUAN]).T)[0],
                2 * math.sin(radius / EARTH_RADIUS_KM / 2),
                return_sorted=False,
            ),
        }
        if h3_index is not None:
            methods["H3 cells (before)"] = lambda radius=radius: h3_index.within(*YUQUAN, radius)
        times = {}
        for name, method in methods.items():
            # The same people: BallTree's haversine and the chord may differ from ours in the last
            # bit at the edge, so a peer may disagree only on points within a millimetre of it.
            found = np.sort(np.asarray(method(), dtype=np.int64))
            if name in ("Tongyou", "H3 cells (before)"):
                assert np.array_equal(found, scan), name
            else:
                differ = np.setxor1d(found, scan)
                edge = np.abs(haversine_km(*YUQUAN, lats[differ], lngs[differ]) - radius)
                assert (edge < 1e-6).all(), name
            times[name] = best_of(method, repeat=5)
        t_ours = times.pop("Tongyou")
        others = "  ".join(f"{name} {t * 1e3:7.1f} ms ({t / t_ours:5.1f}x)" for name, t in times.items())
        lines.append(f"    {radius} km, {len(scan):,} recipients: Tongyou {t_ours * 1e3:6.1f} ms  {others}")
    scan_time = best_of(lambda: ids[haversine_km(*YUQUAN, lats, lngs) <= RADII[0]], repeat=3)
    lines.append(f"    full NumPy scan (the first baseline, for the record): {scan_time * 1e3:7.1f} ms")
    return lines
