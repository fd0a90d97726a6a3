"""Demo venue with its staff account, and demo cameras, so Code Adam and footage requests can be
tried. Names are real places in Yuquan; positions are approximate."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongyou.accounts.models import Unit, User
from tongyou.regions.models import Region

from .models import Camera, Venue

DEMO_VENUE = {"name": "大召寺广场（示意）", "kind": "park", "latitude": 40.7959, "longitude": 111.6516}
DEMO_CAMERAS = [
    ("大召寺广场东入口", 40.7961, 111.6535),
    ("大召寺广场西入口", 40.7958, 111.6495),
    ("玉泉区公交枢纽站", 40.7921, 111.6590),
]


def load_demo_venue_and_cameras(staff_username: str = "venue") -> Venue:
    community = Region.objects.get(code="150104001001")
    venue, _created = Venue.objects.get_or_create(
        name=DEMO_VENUE["name"],
        defaults={**DEMO_VENUE, "region": community, "exits": ["东门", "西门", "南门", "地下通道"]},
    )
    venue.staff.add(*User.objects.filter(username=staff_username))
    police = Unit.objects.get(code="gafj")
    for name, lat, lng in DEMO_CAMERAS:
        Camera.objects.get_or_create(
            name=name,
            defaults={
                "region": community,
                "latitude": lat,
                "longitude": lng,
                "owner": police,
                "contact": "玉泉公安分局指挥中心",
            },
        )
    return venue


@transaction.atomic
def load_demo_drill(options: Any = None) -> str:
    """A past drill, published and ended as found, so the case list, its messages and the public
    pages' history show what an alert looks like. Marked 演练 everywhere (CAP status Exercise)."""
    from .models import MissingChildCase
    from .services import publishing

    if MissingChildCase.objects.exists():
        return "cases already present; nothing added"
    police = User.objects.filter(username="police").first()
    if police is None:
        return "demo accounts missing; nothing added"
    now = timezone.now()
    case = publishing.record_case(
        police,
        now=now - datetime.timedelta(days=20, minutes=-30),
        child_name="演练儿童（示意）",
        sex=MissingChildCase.Sex.MALE,
        age=6,
        clothing="红色上衣，蓝色裤子（演练）",
        last_seen_at=now - datetime.timedelta(days=20),
        last_seen_place=DEMO_VENUE["name"],
        latitude=DEMO_VENUE["latitude"],
        longitude=DEMO_VENUE["longitude"],
        region=Region.objects.get(code="150104001001"),
        is_drill=True,
    )
    if case.state == MissingChildCase.State.AWAITING:  # where a second officer must confirm
        return "a drill waiting for a second officer's confirmation"
    publishing.end(case, police, MissingChildCase.State.FOUND, "演练结束：儿童已找到", now=now)
    return "a past drill, published and ended as found"
