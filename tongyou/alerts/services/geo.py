"""The radius policy, and the H3 cells that cover a circle (distances: core/geo.py).

Topics are H3 cells at the resolution the radius calls for (ALERT_CELL_RESOLUTIONS); an app
subscribes to its own cell at each of those resolutions, so the server never learns where it is.
A circle is covered by every cell that may reach into it: a subscriber just outside the circle
but in a boundary cell receives the message too, and the app drops it by its own position, which
the payload's circle lets it check."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import Any

import h3
import numpy as np
from django.conf import settings

from tongyou.core.geo import EARTH_RADIUS_KM, distance_km, haversine_km


def radius_for(minutes_since_last_seen: Any) -> Any:
    for limit, km in settings.ALERT_RADIUS_STEPS:
        if limit is None or minutes_since_last_seen <= limit:
            return km
    return settings.ALERT_RADIUS_STEPS[-1][1]


def resolution_for(radius_km: float) -> Any:
    for limit, resolution in settings.ALERT_CELL_RESOLUTIONS:
        if limit is None or radius_km <= limit:
            return resolution
    return settings.ALERT_CELL_RESOLUTIONS[-1][1]


def subscription_resolutions() -> list[Any]:
    return sorted({resolution for _limit, resolution in settings.ALERT_CELL_RESOLUTIONS})


def covering_cells(lat: float, lng: float, radius_km: float, resolution: int | None = None) -> frozenset:
    """The cells at `resolution` that reach into the circle (remembered: a case's every Update
    and its Cancel cover the same circles, and a 500 km covering takes milliseconds).

    H3 cells differ in size from place to place (by up to about twice the area), so the ring
    count and the reach are taken from the cell at the centre, with margins: a ring of the disk is
    at least 1.5 edges further out, and no vertex lies more than 1.3 local edges from its centre
    across a few hundred kilometres. The tests compare the result with a scan of every point."""
    resolution = resolution if resolution is not None else resolution_for(radius_km)
    return _covering(float(lat), float(lng), float(radius_km), resolution)


@functools.lru_cache(maxsize=256)
def _covering(lat: float, lng: float, radius_km: float, resolution: int) -> frozenset:
    centre = h3.latlng_to_cell(lat, lng, resolution)
    edge = math.sqrt(2 * h3.cell_area(centre, unit="km^2") / (3 * math.sqrt(3)))
    rings = math.ceil(radius_km / (edge * 1.2)) + 2
    reach = radius_km + edge * 1.3
    cells = set()
    for cell in h3.grid_disk(centre, rings):
        c_lat, c_lng = h3.cell_to_latlng(cell)
        if distance_km(lat, lng, c_lat, c_lng) <= reach:
            cells.add(cell)
    return frozenset(cells)


def cells_of(lat: float, lng: float) -> dict:
    """{resolution: cell} for a point, at every resolution topics use."""
    return {resolution: h3.latlng_to_cell(lat, lng, resolution) for resolution in subscription_resolutions()}


def topic(cell: str, drill: bool = False) -> str:
    """A cell's topic; drills go to topics of their own, which only drill participants follow."""
    return f"{settings.MQTT_DRILL_TOPIC_PREFIX if drill else settings.MQTT_TOPIC_PREFIX}/{cell}"


def case_topic(cell: str, reference: Any, drill: bool = False) -> str:
    """Where one case's messages for one cell go, retained while the case is active: one topic per
    case, so a cell can hold several active alerts and a phone that subscribes late hears each."""
    return f"{topic(cell, drill)}/{reference}"


def subscription(cell: str, drill: bool = False) -> str:
    """What an app subscribes to for one of its cells: every case's topic under it."""
    return f"{topic(cell, drill)}/#"


class RecipientIndex:
    """Recipients' positions in a latitude–longitude grid (cells of `step` degrees), held as
    NumPy arrays sorted by row, then column: a circle's rows are a few contiguous key ranges.
    Cells wholly inside the circle are taken without measuring; only the cells on its edge are
    measured. Chosen by measurement over the H3 cells used before, a BallTree and a k-d tree
    (benchmarks/alert_recipients.py): no covering to compute, and a sort to build."""

    def __init__(self, ids: Iterable[int], lats: Any, lngs: Any, step: float | None = None) -> None:
        # A whole number of columns round the earth, so that a range of columns wraps exactly.
        self.columns = max(1, round(360 / float(step or settings.ALERT_INDEX_CELL_DEGREES)))
        self.step = 360 / self.columns
        self.rows = math.ceil(180 / self.step - 1e-9)
        lats = np.asarray(lats, dtype=np.float64)
        lngs = np.asarray(lngs, dtype=np.float64)
        keys = self._row(lats) * self.columns + self._column(lngs)
        order = np.argsort(keys)
        self.keys = keys[order]
        self.ids = np.asarray(ids)[order]
        self.lats = lats[order]
        self.lngs = lngs[order]

    def _row(self, lats: Any) -> Any:
        return np.clip(np.floor((np.asarray(lats) + 90) / self.step).astype(np.int64), 0, self.rows - 1)

    def _column(self, lngs: Any) -> Any:
        return np.floor((np.asarray(lngs) + 180) / self.step).astype(np.int64) % self.columns

    def within(self, lat: float, lng: float, radius_km: float) -> np.ndarray:
        """The ids of the recipients within `radius_km` of the point (haversine, core/geo.py)."""
        angle = radius_km / EARTH_RADIUS_KM
        if not len(self.ids) or radius_km < 0:
            return self.ids[:0]
        if angle >= math.pi:
            return self.ids.copy()
        reach = math.degrees(angle)
        first, last = int(self._row(max(lat - reach, -90.0))), int(self._row(min(lat + reach, 90.0)))
        rows = np.arange(first, last + 1)
        south = rows * self.step - 90
        north = np.minimum(south + self.step, 90.0)
        margin = 0.001 / EARTH_RADIUS_KM  # a metre either way, against rounding at the edge
        if lat + reach >= 90 or lat - reach <= -90 or angle >= math.pi / 2:
            outer = np.full(len(rows), 180.0)  # the circle holds a pole: every column of its rows
        else:
            # Each row's widest reach in longitude: the reach is widest at one latitude (where
            # the circle's edge runs north–south) and narrows away from it, so at the row's
            # latitude nearest to that one.
            widest = math.degrees(
                math.asin(max(-1.0, min(1.0, math.sin(math.radians(lat)) / math.cos(angle))))
            )
            outer = _half_width(lat, np.clip(widest, south, north), angle + margin)
        # Inside for certain: a cell whose four corners are within the circle (the distance over
        # a cell is greatest at a corner).
        inner = np.minimum(_half_width(lat, south, angle - margin), _half_width(lat, north, angle - margin))
        wests = np.floor((lng - outer + 180) / self.step).astype(np.int64)
        easts = np.floor((lng + outer + 180) / self.step).astype(np.int64)
        inside_west = np.ceil((lng - inner + 180) / self.step).astype(np.int64)
        inside_east = np.floor((lng + inner + 180) / self.step).astype(np.int64) - 1
        sure = inside_west <= inside_east  # rows with cells wholly inside
        take, measure = [], []
        for row, west, east, iw, ie, has_inside in zip(
            rows.tolist(),
            wests.tolist(),
            easts.tolist(),
            inside_west.tolist(),
            inside_east.tolist(),
            sure.tolist(),
            strict=True,
        ):
            if has_inside and ie - iw + 1 >= self.columns:
                take += self._ranges(row, iw, ie)  # the whole row
            elif has_inside:
                take += self._ranges(row, iw, ie)
                if east - west + 1 >= self.columns:  # the rest of the row, once
                    measure += self._ranges(row, ie + 1, iw - 1 + self.columns)
                else:
                    measure += self._ranges(row, west, iw - 1) + self._ranges(row, ie + 1, east)
            elif east >= west:  # (a row the circle only grazes within the margin has none)
                measure += self._ranges(row, west, east)
        taken = self._gather(take, self.ids)
        if not measure:
            return taken
        lats, lngs, ids = (self._gather(measure, column) for column in (self.lats, self.lngs, self.ids))
        near = ids[haversine_km(lat, lng, lats, lngs) <= radius_km]
        return np.concatenate([taken, near])

    def _ranges(self, row: int, west: int, east: int) -> list[tuple[int, int]]:
        """Key ranges (inclusive) for columns `west`…`east` of a row, split where they cross the
        antimeridian; the whole row once when they go round."""
        if east < west:
            return []
        base = row * self.columns
        if east - west + 1 >= self.columns:
            return [(base, base + self.columns - 1)]
        west, east = west % self.columns, east % self.columns
        if west <= east:
            return [(base + west, base + east)]
        return [(base + west, base + self.columns - 1), (base, base + east)]

    def _gather(self, ranges: list[tuple[int, int]], column: np.ndarray) -> np.ndarray:
        if not ranges:
            return column[:0]
        bounds = np.array(ranges, dtype=np.int64)
        starts = np.searchsorted(self.keys, bounds[:, 0], "left")
        ends = np.searchsorted(self.keys, bounds[:, 1], "right")
        return np.concatenate([column[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)])


def _half_width(lat: float, lats: np.ndarray, angle: float) -> np.ndarray:
    """For points on each latitude of `lats`: how many degrees of longitude either side of `lat`'s
    meridian lie within `angle` (radians) of the point (lat, ·) — by the haversine formula; -1
    where none does."""
    p1, p2 = math.radians(lat), np.radians(lats)
    spare = math.sin(angle / 2) ** 2 - np.sin((p2 - p1) / 2) ** 2
    scale = math.cos(p1) * np.cos(p2)
    with np.errstate(divide="ignore", invalid="ignore"):
        # At a pole (or for a centre at one) every longitude is as far as any other: all of them
        # when the latitude itself is near enough, none otherwise.
        ratio = np.where(scale > 1e-12, spare / scale, np.where(spare >= 0, 1.0, -1.0))
    width = np.degrees(2 * np.arcsin(np.sqrt(np.clip(ratio, 0.0, 1.0))))
    return np.where(ratio < 0, -1.0, width)
