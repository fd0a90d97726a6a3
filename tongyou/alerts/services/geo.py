"""The radius policy, and the H3 cells that cover a circle (distances: core/geo.py).

Topics are H3 cells at the resolution the radius calls for (ALERT_CELL_RESOLUTIONS); an app
subscribes to its own cell at each of those resolutions, so the server never learns where it is.
A circle is covered by every cell that may reach into it: a subscriber just outside the circle
but in a boundary cell receives the message too, and the app drops it by its own position, which
the payload's circle lets it check."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import h3
import numpy as np
from django.conf import settings

from tongyou.core.geo import distance_km, haversine_km


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


def covering_cells(lat: float, lng: float, radius_km: float, resolution: int | None = None) -> set:
    """The cells at `resolution` that reach into the circle.

    H3 cells differ in size from place to place (by up to about twice the area), so the ring
    count and the reach are taken from the cell at the centre, with margins: a ring of the disk is
    at least 1.5 edges further out, and no vertex lies more than 1.3 local edges from its centre
    across a few hundred kilometres. The tests compare the result with a scan of every point."""
    resolution = resolution if resolution is not None else resolution_for(radius_km)
    centre = h3.latlng_to_cell(lat, lng, resolution)
    edge = math.sqrt(2 * h3.cell_area(centre, unit="km^2") / (3 * math.sqrt(3)))
    rings = math.ceil(radius_km / (edge * 1.2)) + 2
    reach = radius_km + edge * 1.3
    cells = set()
    for cell in h3.grid_disk(centre, rings):
        c_lat, c_lng = h3.cell_to_latlng(cell)
        if distance_km(lat, lng, c_lat, c_lng) <= reach:
            cells.add(cell)
    return cells


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
    """Recipients' positions by H3 cell at each topic resolution, as sorted NumPy arrays: the cells
    of a circle find their candidates by binary search, and only the candidates are measured."""

    def __init__(self, ids: Iterable[int], lats: Any, lngs: Any, cells_by_resolution: Any = None) -> None:
        self.ids = np.asarray(ids)
        self.lats = np.asarray(lats, dtype=np.float64)
        self.lngs = np.asarray(lngs, dtype=np.float64)
        self.sorted = {}
        for resolution in subscription_resolutions():
            if cells_by_resolution is not None:
                cells = np.fromiter(
                    (h3.str_to_int(c) for c in cells_by_resolution[resolution]),
                    dtype=np.uint64,
                    count=len(self.ids),
                )
            else:
                cells = np.fromiter(
                    (
                        h3.str_to_int(h3.latlng_to_cell(a, b, resolution))
                        for a, b in zip(self.lats.tolist(), self.lngs.tolist(), strict=True)
                    ),
                    dtype=np.uint64,
                    count=len(self.ids),
                )
            order = np.argsort(cells, kind="stable")
            self.sorted[resolution] = (cells[order], order)

    def within(self, lat: float, lng: float, radius_km: float) -> np.ndarray:
        resolution = resolution_for(radius_km)
        cells, order = self.sorted[resolution]
        wanted = np.sort(
            np.fromiter(
                (h3.str_to_int(c) for c in covering_cells(lat, lng, radius_km, resolution)), dtype=np.uint64
            )
        )
        starts, ends = np.searchsorted(cells, wanted, "left"), np.searchsorted(cells, wanted, "right")
        spans = [order[a:b] for a, b in zip(starts, ends, strict=True) if b > a]
        if not spans:
            return self.ids[:0]
        candidates = np.concatenate(spans)
        near = haversine_km(lat, lng, self.lats[candidates], self.lngs[candidates]) <= radius_km
        return self.ids[candidates[near]]
