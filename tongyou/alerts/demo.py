"""Demo venue with its staff account, and demo cameras, so Code Adam and footage requests can be
tried. Names are real places in Yuquan; positions are approximate."""

from tongyou.accounts.models import Unit, User
from tongyou.regions.models import Region

from .models import Camera, Venue

DEMO_VENUE = {"name": "大召寺广场（示意）", "kind": "park", "latitude": 40.7959, "longitude": 111.6516}
DEMO_CAMERAS = [
    ("大召寺广场东入口", 40.7961, 111.6535),
    ("大召寺广场西入口", 40.7958, 111.6495),
    ("玉泉区公交枢纽站", 40.7921, 111.6590),
]


def load_demo_venue_and_cameras(staff_username="venue"):
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
