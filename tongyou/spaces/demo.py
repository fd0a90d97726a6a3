"""Demo facilities at community centres (flagged synthetic, locations approximate), so the map and
coverage show something; the district's real registry replaces them."""

from __future__ import annotations

import random

from tongyou.core.signals import records_written
from tongyou.regions.models import Region

from .models import Facility, FacilityKind

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
