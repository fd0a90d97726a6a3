"""The recipient set for an alert's circle: Tongyou's H3 index (RecipientIndex, as the worker holds
it) against a vectorised NumPy haversine scan of every location, over the same points, checking
that both find the same recipients. Points are spread uniformly over Inner Mongolia and its
neighbouring provinces (37–53°N, 97–126°E)."""

import time

import numpy as np

from tongyou.alerts.services import geo
from tongyou.core.geo import haversine_km

YUQUAN = (40.7768, 111.6531)


def run(best_of, alert_recipients=10_000_000, **_):
    rng = np.random.default_rng(5)
    n = alert_recipients
    lats, lngs = rng.uniform(37, 53, n), rng.uniform(97, 126, n)
    ids = np.arange(n)
    start = time.perf_counter()
    index = geo.RecipientIndex(ids, lats, lngs)
    built = time.perf_counter() - start
    lines = [f"alert recipient set ({n:,} registered locations), baseline = NumPy haversine scan of all:"]
    for radius in (100, 500):
        found = {}

        def scan(radius=radius, found=found):
            found["scan"] = ids[haversine_km(*YUQUAN, lats, lngs) <= radius]

        def indexed(radius=radius, found=found):
            found["index"] = index.within(*YUQUAN, radius)

        t_scan = best_of(scan, repeat=3)
        t_index = best_of(indexed, repeat=5)
        same = np.array_equal(np.sort(found["scan"]), np.sort(found["index"]))
        lines.append(
            f"  {radius:3d} km: scan {t_scan * 1000:8.1f} ms  1.00×   H3 index {t_index * 1000:7.1f} ms  "
            f"{t_index / t_scan:.3f}× ({t_scan / t_index:.0f}× faster); {len(found['index']):,} recipients, "
            f"same set: {same}"
        )
    lines += [f"  index build (once per change of recipients): {built:.1f} s", ""]
    return lines
