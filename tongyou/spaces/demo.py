"""Demo facilities at community centres (flagged synthetic, locations approximate), so the map and
coverage show something; the district's real registry replaces them."""

from __future__ import annotations

import datetime
import random

from django.db.models import Count
from django.utils import timezone

from tongyou.core.signals import records_written
from tongyou.regions.models import Region

from .models import Facility, FacilityKind, Population

PER_STREET = {
    "nursery_public": 1,
    "nursery_community": 1,
    "kindergarten_public": 2,
    "kindergarten_inclusive": 2,
    "primary": 2,
    "middle": 1,
    "play_area": 2,
    "childrens_home": 1,
    "sports": 1,
    "training": 2,
    "paediatric_clinic": 1,
}
CAPACITY = {
    "nursery_public": [60, 90, 120],
    "nursery_community": [30, 45, 60],
    "kindergarten_public": [180, 270, 360],
    "kindergarten_inclusive": [180, 270, 360],
    "primary": [1080, 1620, 2160],
    "middle": [900, 1200, 1500],
}
ONCE = {
    "mother_baby_room": "玉泉区妇幼保健院母婴室（示意）",
    "bus_hub": "玉泉区长途汽车站（示意）",
    "childrens_library": "玉泉区少年儿童图书馆（示意）",
    "mch_institution": "玉泉区妇幼保健院（示意）",
    "public_place": "玉泉区某商业中心（示意）",
}


def load_demo_facilities(seed: int = 3) -> int:
    if Facility.objects.filter(is_synthetic=True).exists():
        return 0
    rng = random.Random(seed)
    made = []
    for street in Region.objects.filter(level=Region.Level.STREET).order_by("code"):
        communities = list(street.children.filter(centroid_lat__isnull=False).order_by("code"))
        if not communities:
            continue
        for kind, count in PER_STREET.items():
            label = FacilityKind(kind).label
            for n in range(count):
                place = rng.choice(communities)
                made.append(
                    Facility(
                        name=f"{place.name.split('（')[0]}{label}{n + 1}（示意）",
                        kind=kind,
                        region=place,
                        latitude=place.centre[0] + rng.uniform(-0.003, 0.003),
                        longitude=place.centre[1] + rng.uniform(-0.003, 0.003),
                        location_is_approximate=True,
                        capacity=rng.choice(CAPACITY[kind]) if kind in CAPACITY else None,
                        is_synthetic=True,
                    )
                )
    centre = (
        Region.objects.filter(level=Region.Level.COMMUNITY, centroid_lat__isnull=False)
        .order_by("code")
        .first()
    )
    if centre is None:
        return 0  # no regions loaded: nothing to place the facilities in
    for kind, name in ONCE.items():
        made.append(
            Facility(
                name=name,
                kind=kind,
                region=centre,
                latitude=centre.centre[0],
                longitude=centre.centre[1],
                location_is_approximate=True,
                is_synthetic=True,
            )
        )
    Facility.objects.bulk_create(made)
    records_written.send(sender=Facility)  # bulk_create sends no signals
    return len(made)


# 第七次全国人口普查: 玉泉区常住人口 524,573 (玉泉区人民政府《玉泉区区情简介》, 2023).
CENSUS_POPULATION = 524_573
DEMO_POPULATION_SOURCE = "（示意）第七次人口普查全区常住人口按街道（镇）社区数分摊"


def load_demo_population(today: datetime.date | None = None) -> int:
    """Last year's resident population for the district and each street and town (synthetic:
    the census total shared by their communities and villages), so per-1,000 indicators compute.
    Nothing is added where a figure for that year is held already."""
    year = (today or timezone.localdate()).year - 1
    streets = list(Region.objects.filter(level=Region.Level.STREET).annotate(units=Count("children")))
    total_units = sum(s.units for s in streets) or 1
    district = Region.objects.filter(level=Region.Level.DISTRICT).first()
    made = 0
    for area, population in [
        (district, CENSUS_POPULATION),
        *((s, CENSUS_POPULATION * s.units // total_units) for s in streets if s.units),
    ]:
        if area is None:
            continue
        _figure, created = Population.objects.get_or_create(
            region=area, year=year, defaults={"population": population, "source": DEMO_POPULATION_SOURCE}
        )
        made += int(created)
    return made
