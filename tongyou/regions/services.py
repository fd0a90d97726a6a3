"""Loading the district's region tree from the data shipped with Tongyou, and applying an
official community and village list when the district supplies one."""

import csv
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Region

DATA_FILE = Path(__file__).parent / "data" / "yuquan.json"
KM_PER_DEGREE_LAT = 110.574


def _square(lat, lng, half_km):
    """An approximate square boundary (GeoJSON Polygon) centred on a point."""
    dlat = half_km / KM_PER_DEGREE_LAT
    dlng = half_km / (111.320 * math.cos(math.radians(lat)))
    ring = [
        [round(lng - dlng, 6), round(lat - dlat, 6)],
        [round(lng + dlng, 6), round(lat - dlat, 6)],
        [round(lng + dlng, 6), round(lat + dlat, 6)],
        [round(lng - dlng, 6), round(lat + dlat, 6)],
        [round(lng - dlng, 6), round(lat - dlat, 6)],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _subdivide(lat, lng, half_km, count, index):
    """Centre and half-size of cell `index` when a square is cut into a near-square grid of `count`."""
    side = math.ceil(math.sqrt(count))
    cell = 2 * half_km / side
    row, col = divmod(index, side)
    north = lat + (half_km - cell * (row + 0.5)) / KM_PER_DEGREE_LAT
    east = lng + (-half_km + cell * (col + 0.5)) / (111.320 * math.cos(math.radians(lat)))
    return north, east, cell / 2


def _upsert(code, **fields):
    lat, lng = fields.pop("lat"), fields.pop("lng")
    half_km = fields.pop("half_km")
    fields.update(
        centroid_lat=Decimal(str(round(lat, 6))),
        centroid_lng=Decimal(str(round(lng, 6))),
        boundary=_square(lat, lng, half_km),
        location_is_approximate=True,
    )
    region, _ = Region.objects.update_or_create(code=code, defaults=fields)
    return region


def _make_grids(community, lat, lng, half_km, count, source):
    """Placeholder grids (网格) filling a community's square; returns how many."""
    for g in range(count):
        glat, glng, ghalf = _subdivide(lat, lng, half_km, count, g)
        _upsert(
            community.code + f"{g + 1:03d}",
            name=f"第{g + 1}网格",
            level=Region.Level.GRID,
            kind=Region.Kind.GRID,
            parent=community,
            lat=glat,
            lng=glng,
            half_km=ghalf,
            name_is_official=False,
            source=source,
        )
    return count


@transaction.atomic
def load_regions(data_file=DATA_FILE):
    """Create or update the district tree; returns the number of regions loaded. Idempotent."""
    data = json.loads(Path(data_file).read_text(encoding="utf-8"))
    source = data["sources"]["codes"]
    placeholder_source = data["sources"]["counts"]
    d = data["district"]
    district = _upsert(
        d["code"],
        name=d["name"],
        level=Region.Level.DISTRICT,
        kind=Region.Kind.DISTRICT,
        parent=None,
        lat=d["lat"],
        lng=d["lng"],
        half_km=d["half_km"],
        source=source,
    )
    loaded = 1
    for s in data["streets"]:
        street = _upsert(
            s["code"],
            name=s["name"],
            level=Region.Level.STREET,
            kind=s["kind"],
            parent=district,
            lat=s["lat"],
            lng=s["lng"],
            half_km=1.0,
            source=source,
        )
        loaded += 1
        units = [("community", n) for n in range(1, s["communities"] + 1)]
        units += [("village", n) for n in range(1, s["villages"] + 1)]
        short = s["name"].removesuffix("街道")
        for index, (kind, n) in enumerate(units):
            # Communities take 001-199 and villages 200-399, as the coding rules say.
            code = s["code"][:9] + f"{n if kind == 'community' else 199 + n:03d}"
            name = f"{short}第{n}社区（示意）" if kind == "community" else f"{short}第{n}村（示意）"
            lat, lng, half = _subdivide(s["lat"], s["lng"], 1.0, len(units), index)
            community = _upsert(
                code,
                name=name,
                level=Region.Level.COMMUNITY,
                kind=kind,
                parent=street,
                lat=lat,
                lng=lng,
                half_km=half,
                name_is_official=False,
                source=placeholder_source,
            )
            loaded += 1
            loaded += _make_grids(community, lat, lng, half, data["grids_per_community"], placeholder_source)
    return loaded


@dataclass
class RowError:
    line: int
    code: str
    message: str


class OfficialListError(ValueError):
    def __init__(self, errors) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} rows refused; nothing was changed.")


def _check_official_row(code, name, seen):
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
def load_official_communities(csv_file, grids_per_community=3):
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
        lat, lng = street.centre
        community = _upsert(
            code,
            name=name,
            level=Region.Level.COMMUNITY,
            kind=kind,
            parent=street,
            lat=lat,
            lng=lng,
            half_km=0.3,
            name_is_official=True,
            source="official list loaded by load_regions --official-list",
        )
        _make_grids(community, lat, lng, 0.3, grids_per_community, "grid placeholder")
        created += 1
    listed = {code for code, _name in entries}
    unlisted = list(
        Region.objects.filter(level=Region.Level.COMMUNITY, name_is_official=False)
        .exclude(code__in=listed)
        .values_list("code", flat=True)
    )
    return updated, created, unlisted


def _inside(lng, lat, ring):
    """Ray casting: whether the point lies inside one closed ring of [lng, lat] pairs."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lng < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _polygons(geometry):
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["coordinates"]
    return []


def locate(lat: float, lng: float, level=Region.Level.COMMUNITY, within=None):
    """The region of `level` whose boundary holds the point, else the one whose centre is nearest
    (boundaries are approximate until the official ones are loaded). `within` narrows the choice
    (a queryset of allowed regions)."""
    candidates = list(
        (within if within is not None else Region.objects.filter(level=level)).filter(level=level)
    )
    for region in candidates:
        for polygon in _polygons(region.boundary):
            outer, holes = polygon[0], polygon[1:]
            if _inside(lng, lat, outer) and not any(_inside(lng, lat, hole) for hole in holes):
                return region
    with_centre = [r for r in candidates if r.centroid_lat is not None]
    if not with_centre:
        return None
    return min(
        with_centre,
        key=lambda r: (float(r.centroid_lat) - lat) ** 2 + ((float(r.centroid_lng) - lng) * 0.76) ** 2,
    )
