"""Placeholder boundaries until the district's surveyed ones are loaded: each street's area is
the part of the district outline nearer its seat than any other street's (a Voronoi
tessellation), and its communities and grids divide it the same way around evenly spread
points. The shapes tile their parent without overlapping, so a map click or a point always
falls in exactly one community; they are flagged approximate, as the seats are.

Shapely (GEOS) does the geometry; the work is done in kilometres on a local plane so that the
cells are not stretched by the longitude degree being shorter than the latitude degree."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import MultiPoint, Polygon, shape
from shapely.geometry.base import BaseGeometry

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LNG_AT_EQUATOR = 111.320
# Sample points per cell when spreading seeds: enough for even cells, cheap for 400 grids.
SAMPLES_PER_CELL = 80
RELAXATION_ROUNDS = 12


@dataclass(frozen=True)
class Plane:
    """A local equirectangular plane in kilometres around a reference point: exact enough over a
    district of 20 km, and it keeps Voronoi cells round rather than stretched east-west."""

    lat0: float
    lng0: float

    @property
    def km_per_degree_lng(self) -> float:
        return KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(self.lat0))

    def to_km(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(
            geometry,
            lambda xy: np.column_stack(
                ((xy[:, 0] - self.lng0) * self.km_per_degree_lng, (xy[:, 1] - self.lat0) * KM_PER_DEGREE_LAT)
            ),
        )

    def to_degrees(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(
            geometry,
            lambda xy: np.column_stack(
                (xy[:, 0] / self.km_per_degree_lng + self.lng0, xy[:, 1] / KM_PER_DEGREE_LAT + self.lat0)
            ),
        )


def outline(ring: Sequence[Sequence[float]]) -> Polygon:
    """A polygon from a ring of [lng, lat] pairs (closed or not)."""
    polygon = Polygon(ring)
    if not polygon.is_valid or polygon.is_empty:
        raise ValueError("the outline is not a simple polygon")
    return polygon


def tessellate(parent: Polygon, seeds: Sequence[tuple[float, float]], plane: Plane) -> list[Polygon]:
    """The parent cut into one cell per seed ([lng, lat] points inside it), in the seeds' order:
    each cell is the part of the parent nearer its seed than any other. The cells cover the
    parent and do not overlap."""
    if not seeds:
        return []
    if len(seeds) == 1:
        return [parent]
    area = plane.to_km(parent)
    points = plane.to_km(MultiPoint(seeds))
    cells = shapely.voronoi_polygons(points, extend_to=area, ordered=True)
    return [_largest(plane.to_degrees(cell.intersection(area))) for cell in cells.geoms]


def spread(parent: Polygon, count: int, plane: Plane) -> list[tuple[float, float]]:
    """`count` points spread evenly over the parent ([lng, lat]), always the same for the same
    parent: k-means (Lloyd's relaxation) over a fine lattice of the parent's points, started
    from lattice points taken at even steps along the rows."""
    if count <= 0:
        return []
    area = plane.to_km(parent)
    minx, miny, maxx, maxy = area.bounds
    step = math.sqrt(area.area / (count * SAMPLES_PER_CELL))
    xs, ys = np.meshgrid(np.arange(minx + step / 2, maxx, step), np.arange(miny + step / 2, maxy, step))
    lattice = np.column_stack((xs.ravel(), ys.ravel()))
    lattice = lattice[shapely.contains_xy(area, lattice[:, 0], lattice[:, 1])]
    if len(lattice) < count:  # a sliver: fall back to points on its surface
        lattice = np.array([area.representative_point().coords[0]] * count)
    centres = lattice[np.linspace(0, len(lattice) - 1, count).round().astype(int)]
    for _round in range(RELAXATION_ROUNDS):
        _distance, nearest = cKDTree(centres).query(lattice)
        for index in range(count):
            members = lattice[nearest == index]
            if len(members):
                centres[index] = members.mean(axis=0)
    spread_points = plane.to_degrees(MultiPoint(centres))
    return [(point.x, point.y) for point in spread_points.geoms]


def inner_point(polygon: Polygon) -> tuple[float, float]:
    """A point that names the shape ([lng, lat]): its centroid when the centroid lies inside it,
    else a point on its surface."""
    centroid = polygon.centroid
    point = centroid if polygon.contains(centroid) else polygon.representative_point()
    return point.x, point.y


def geojson(polygon: Polygon, digits: int = 6) -> dict:
    """A GeoJSON Polygon with coordinates rounded to `digits` (about 10 cm at 6); neighbours'
    shared vertices round alike, so rounding opens no gap and makes no overlap."""
    rings = [polygon.exterior, *polygon.interiors]
    return {
        "type": "Polygon",
        "coordinates": [[[round(x, digits), round(y, digits)] for x, y in ring.coords] for ring in rings],
    }


def from_geojson(geometry: dict | None) -> BaseGeometry | None:
    """A stored boundary as a shape, or None when there is none."""
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    return shape(geometry)


def _largest(geometry: BaseGeometry) -> Polygon:
    """A cell as one polygon: a clip along a concave outline can leave slivers; keep the body."""
    if isinstance(geometry, Polygon):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)]
    return max(parts, key=lambda g: g.area)
