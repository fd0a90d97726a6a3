"""How far a child walks to a facility.

By default the straight line times the detour factor SPACES_DETOUR_FACTOR; when the user has
loaded a street network (an OpenStreetMap extract, `manage.py load_street_network`), along its
streets. Both answer the same two questions, for any number of points:

- which points have a facility within walking distance (coverage), and
- which points lie within walking distance of each other (candidate sites for new facilities).

Points are (latitude, longitude) rows. Straight-line distances use a k-d tree over points on the
unit sphere, where the chord grows with the great-circle distance, so a chord bound is an exact
haversine bound and each point only meets the facilities near it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from tongyou.core.geo import EARTH_RADIUS_KM

if TYPE_CHECKING:
    from .models import StreetNetwork

type Points = np.ndarray | Sequence[Sequence[float]]  # (lat, lng) pairs

EARTH_RADIUS_M = EARTH_RADIUS_KM * 1000


def unit_vectors(points: Points) -> np.ndarray:
    points = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
    lat, lng = points[:, 0], points[:, 1]
    return np.column_stack([np.cos(lat) * np.cos(lng), np.cos(lat) * np.sin(lng), np.sin(lat)])


def chord(metres: float) -> float:
    """The unit-sphere chord of a great-circle distance (a hair longer, so that the boundary counts)."""
    return 2 * math.sin(min(metres / EARTH_RADIUS_M, math.pi) / 2) * (1 + 1e-9)


def arc_metres(chords: np.ndarray | float) -> np.ndarray:
    return 2 * EARTH_RADIUS_M * np.arcsin(np.clip(np.asarray(chords) / 2, 0, 1))


def detour_factor() -> float:
    return getattr(settings, "SPACES_DETOUR_FACTOR", 1.3)


class StraightLine:
    """Straight-line distance times the detour factor."""

    kind = "straight"

    def __init__(self, detour: float | None = None) -> None:
        self.detour = detour_factor() if detour is None else detour

    def reached(self, facilities: Points, points: Points, radius_m: float) -> np.ndarray:
        """A boolean per point: is a facility within `radius_m` as walked?"""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if not len(facilities) or not len(points):
            return np.zeros(len(points), dtype=bool)
        tree = cKDTree(unit_vectors(facilities))
        found, _ = tree.query(unit_vectors(points), k=1, distance_upper_bound=chord(radius_m / self.detour))
        return np.isfinite(found)

    def neighbourhoods(self, points: Points, radius_m: float) -> list[np.ndarray]:
        """For each point, the indices of the points within `radius_m` of it as walked."""
        vectors = unit_vectors(points)
        if not len(vectors):
            return []
        tree = cKDTree(vectors)
        return [
            np.asarray(ids, dtype=int)
            for ids in tree.query_ball_point(vectors, chord(radius_m / self.detour))
        ]


class StreetGraph:
    """Walking distance along a loaded street network: from a point to its nearest node in a
    straight line, then along the streets (Dijkstra, undirected, stopped at the radius).

    The network must cover the district: a point far from every street is far from every
    facility too."""

    kind = "network"

    def __init__(self, network: StreetNetwork) -> None:
        from .models import StreetNode, StreetSegment

        self.network = network
        nodes = list(
            StreetNode.objects.filter(network=network).values_list("osm_id", "latitude", "longitude")
        )
        self.index = {osm_id: i for i, (osm_id, _lat, _lng) in enumerate(nodes)}
        self.tree = cKDTree(unit_vectors([(lat, lng) for _osm, lat, lng in nodes]))
        segments = list(
            StreetSegment.objects.filter(network=network).values_list(
                "start_osm_id", "end_osm_id", "length_m"
            )
        )
        starts, ends, lengths = zip(*segments, strict=True) if segments else ((), (), ())
        self.starts = np.array([self.index[s] for s in starts], dtype=int)
        self.ends = np.array([self.index[e] for e in ends], dtype=int)
        # csgraph reads an explicit zero as "no edge": a zero-length segment must stay an edge.
        self.lengths = np.maximum(np.array(lengths, dtype=float), 1e-6)
        self.size = len(nodes)
        self.graph = self._graph()

    def _graph(
        self,
        extra_starts: Any = (),
        extra_ends: Any = (),
        extra_lengths: Any = (),
        extra_nodes: int = 0,
    ) -> csr_matrix:
        size = self.size + extra_nodes
        return csr_matrix(
            (
                np.concatenate([self.lengths, np.maximum(np.asarray(extra_lengths, dtype=float), 1e-6)]),
                (
                    np.concatenate([self.starts, np.asarray(extra_starts, dtype=int)]),
                    np.concatenate([self.ends, np.asarray(extra_ends, dtype=int)]),
                ),
            ),
            shape=(size, size),
        )

    def snap(self, points: Points) -> tuple[np.ndarray, np.ndarray]:
        """(nearest node, straight-line metres to it) for each point."""
        chords, nodes = self.tree.query(unit_vectors(points), k=1)
        return np.asarray(nodes, dtype=int), arc_metres(chords)

    def reached(self, facilities: Points, points: Points, radius_m: float) -> np.ndarray:
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if not len(facilities) or not len(points) or not self.size:
            return np.zeros(len(points), dtype=bool)
        # Each facility becomes a node joined to its nearest street node, and one Dijkstra from all
        # of them at once gives every node its distance to the nearest facility.
        facility_nodes, facility_snaps = self.snap(facilities)
        count = len(facility_nodes)
        sources = self.size + np.arange(count)
        graph = self._graph(sources, facility_nodes, facility_snaps, extra_nodes=count)
        along = dijkstra(graph, directed=False, indices=sources, min_only=True, limit=radius_m)
        point_nodes, point_snaps = self.snap(points)
        return point_snaps + along[point_nodes] <= radius_m

    def neighbourhoods(self, points: Points, radius_m: float) -> list[np.ndarray]:
        point_nodes, point_snaps = self.snap(points)
        result = []
        for node, snap in zip(point_nodes, point_snaps, strict=True):
            if snap > radius_m:
                result.append(np.zeros(0, dtype=int))
                continue
            along = dijkstra(self.graph, directed=False, indices=node, limit=radius_m - snap)
            result.append(np.flatnonzero(snap + along[point_nodes] + point_snaps <= radius_m))
        return result


_graphs: dict = {}


def current_measure() -> StraightLine:
    """The street network if one is loaded (built once per process and network), else the straight
    line times the detour factor."""
    from .models import StreetNetwork

    network = StreetNetwork.objects.first()
    if network is None:
        return StraightLine()
    key = (network.pk, network.loaded_at)
    if key not in _graphs:
        _graphs.clear()
        _graphs[key] = StreetGraph(network)
    return _graphs[key]
