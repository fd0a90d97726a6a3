"""Loading the district's region tree from the data shipped with Tongyou, and applying an
official community and village list when the district supplies one."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from shapely.geometry import Point, Polygon

from . import shapes
from .models import Region

DATA_FILE = Path(__file__).parent / "data" / "yuquan.json"


def _upsert(code: str, area: Polygon, centre: tuple[float, float] | None = None, **fields: Any) -> Region:
    """Create or update a region with its placeholder shape; `centre` ([lng, lat]) defaults to a
    point inside the shape."""
    lng, lat = centre or shapes.inner_point(area)
    fields.update(
        centroid_lat=Decimal(str(round(lat, 6))),
        centroid_lng=Decimal(str(round(lng, 6))),
        boundary=shapes.geojson(area),
        location_is_approximate=True,
    )
    region, _ = Region.objects.update_or_create(code=code, defaults=fields)
    return region


def _divide(parent: Polygon, count: int, plane: shapes.Plane) -> list[Polygon]:
    return shapes.tessellate(parent, shapes.spread(parent, count, plane), plane)


def _shape_grids(community: Region, area: Polygon, count: int, source: str, plane: shapes.Plane) -> int:
    """Placeholder grids (网格) dividing a community's shape: the ones it has are reshaped, missing
    ones up to `count` are created. Returns how many it has."""
    held = list(community.children.order_by("code"))
    count = max(count, len(held))
    for g, cell in enumerate(_divide(area, count, plane)):
        if g < len(held):
            _upsert(held[g].code, cell)
            continue
        _upsert(
            community.code + f"{g + 1:03d}",
            cell,
            name=f"第{g + 1}网格",
            level=Region.Level.GRID,
            kind=Region.Kind.GRID,
            parent=community,
            name_is_official=False,
            source=source,
        )
    return count


def _plane(data: dict) -> shapes.Plane:
    return shapes.Plane(data["district"]["lat"], data["district"]["lng"])


def _street_shapes(data: dict) -> dict[str, Polygon]:
    """Each street's or town's share of the district outline: the part nearer its seat."""
    district = shapes.outline(data["district"]["outline"])
    seats = [(s["lng"], s["lat"]) for s in data["streets"]]
    cells = shapes.tessellate(district, seats, _plane(data))
    return {s["code"]: cell for s, cell in zip(data["streets"], cells, strict=True)}


@transaction.atomic
def load_regions(data_file: str | Path = DATA_FILE) -> int:
    """Create or update the district tree; returns the number of regions loaded. Idempotent."""
    data = json.loads(Path(data_file).read_text(encoding="utf-8"))
    source = data["sources"]["codes"]
    placeholder_source = data["sources"]["counts"]
    plane = _plane(data)
    d = data["district"]
    district = _upsert(
        d["code"],
        shapes.outline(d["outline"]),
        centre=(d["lng"], d["lat"]),
        name=d["name"],
        level=Region.Level.DISTRICT,
        kind=Region.Kind.DISTRICT,
        parent=None,
        source=source,
    )
    loaded = 1
    street_shapes = _street_shapes(data)
    for s in data["streets"]:
        street_area = street_shapes[s["code"]]
        street = _upsert(
            s["code"],
            street_area,
            centre=(s["lng"], s["lat"]),
            name=s["name"],
            level=Region.Level.STREET,
            kind=s["kind"],
            parent=district,
            source=source,
        )
        loaded += 1
        units = [("community", n) for n in range(1, s["communities"] + 1)]
        units += [("village", n) for n in range(1, s["villages"] + 1)]
        short = s["name"].removesuffix("街道")
        for (kind, n), area in zip(units, _divide(street_area, len(units), plane), strict=True):
            # Communities take 001-199 and villages 200-399, as the coding rules say.
            code = s["code"][:9] + f"{n if kind == 'community' else 199 + n:03d}"
            name = f"{short}第{n}社区（示意）" if kind == "community" else f"{short}第{n}村（示意）"
            community = _upsert(
                code,
                area,
                name=name,
                level=Region.Level.COMMUNITY,
                kind=kind,
                parent=street,
                name_is_official=False,
                source=placeholder_source,
            )
            loaded += 1
            loaded += _shape_grids(community, area, data["grids_per_community"], placeholder_source, plane)
    return loaded


def reshape_street(
    street: Region, grids_per_community: int, source: str, data_file: Path = DATA_FILE
) -> None:
    """Divide a street's placeholder shape again among all its communities and villages (after
    an official list added some), and each of those among its grids."""
    data = json.loads(Path(data_file).read_text(encoding="utf-8"))
    plane = _plane(data)
    street_area = _street_shapes(data).get(street.code)
    if street_area is None:
        return
    communities = list(street.children.order_by("code"))
    for community, area in zip(communities, _divide(street_area, len(communities), plane), strict=True):
        _upsert(community.code, area)
        _shape_grids(community, area, grids_per_community, source, plane)


@dataclass
class RowError:
    line: int
    code: str
    message: str


class OfficialListError(ValueError):
    def __init__(self, errors: Any) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} rows refused; nothing was changed.")


def _check_official_row(code: str, name: str, seen: Any) -> str | None:
    if not (code.isdigit() and len(code) == 12):
        return _("The division code must have 12 digits.")
    if not code.startswith("150104"):
        return _("The code is not in Yuquan District (150104).")
    if not Region.objects.filter(code=code[:9] + "000", level=Region.Level.STREET).exists():
        return _("Its street or town %(code)s does not exist.") % {"code": code[:9] + "000"}
    if not 1 <= int(code[9:]) <= 399:
        return _("Digits 10-12 must be 001-199 (community) or 200-399 (village).")
    if not name:
        return _("The name is empty.")
    if code in seen:
        return _("The code appears twice (first on line %(line)d).") % {"line": seen[code]}
    return None


@transaction.atomic
def load_official_communities(csv_file: Any, grids_per_community: Any = 3) -> tuple[int, int, list]:
    """Apply an official community and village list (CSV with columns code,name, UTF-8).

    All or nothing: any bad row raises OfficialListError with every fault, and nothing is
    written. Listed codes get their official names (new ones are created with approximate
    placement inside their street); returns (updated, created, unlisted placeholder codes)."""
    with open(csv_file, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    errors: list = []
    entries: list = []
    seen: dict = {}
    for line, row in enumerate(rows[1:], start=2):
        code = (row[0] if row else "").strip()
        name = (row[1] if len(row) > 1 else "").strip()
        message = _check_official_row(code, name, seen)
        if message:
            errors.append(RowError(line, code, str(message)))
        else:
            seen[code] = line
            entries.append((code, name))
    if errors:
        raise OfficialListError(errors)
    updated = created = 0
    grown: set[Region] = set()
    for code, name in entries:
        kind = Region.Kind.COMMUNITY if int(code[9:]) < 200 else Region.Kind.VILLAGE
        region = Region.objects.filter(code=code).first()
        if region:
            region.name, region.kind, region.name_is_official = name, kind, True
            region.source = "official list loaded by load_regions --official-list"
            region.save()
            updated += 1
            continue
        street = Region.objects.get(code=code[:9] + "000")
        _upsert(
            code,
            shapes.from_geojson(street.boundary) or Point(street.centre[::-1]).buffer(0.003),
            name=name,
            level=Region.Level.COMMUNITY,
            kind=kind,
            parent=street,
            name_is_official=True,
            source="official list loaded by load_regions --official-list",
        )
        grown.add(street)
        created += 1
    for street in grown:  # the new ones get their share of the street, as placeholders do
        reshape_street(street, grids_per_community, "grid placeholder")
    listed = {code for code, _name in entries}
    unlisted = list(
        Region.objects.filter(level=Region.Level.COMMUNITY, name_is_official=False)
        .exclude(code__in=listed)
        .values_list("code", flat=True)
    )
    return updated, created, unlisted


def locate(
    lat: float, lng: float, level: int = Region.Level.COMMUNITY, within: QuerySet[Region] | None = None
) -> Region | None:
    """The region of `level` whose boundary holds the point, else the one whose centre is nearest
    (boundaries are approximate until the official ones are loaded). `within` narrows the choice
    (a queryset of allowed regions)."""
    candidates = list(
        (within if within is not None else Region.objects.filter(level=level)).filter(level=level)
    )
    point = Point(lng, lat)
    for region in candidates:
        area = shapes.from_geojson(region.boundary)
        if area is not None and area.covers(point):
            return region
    with_centre = [r for r in candidates if r.centroid_lat is not None]
    if not with_centre:
        return None
    return min(
        with_centre,
        key=lambda r: (r.centre[0] - lat) ** 2 + ((r.centre[1] - lng) * 0.76) ** 2,
    )
