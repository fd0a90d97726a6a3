"""Demo data for 萌阅: the four packs, a pick-up point in every community plus the district's
maternal and child health clinic and library, stock received, entitlements from the synthetic
master index, and deliveries made through the real services by the demo accounts in the two
demo directors' communities (about six in ten and one in three), so coverage shows a gap."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tongyou.accounts.models import User
from tongyou.regions.models import Region

from . import deliveries, entitlements
from .models import Attempt, Delivery, Entitlement, Milestone, PickupPoint, Variant

MILESTONES = [
    ("出生礼包", 0, 12, "布书1册、黑白卡1套、《亲子共读指南》1份、借阅卡1张"),
    ("1–2岁礼包", 12, 36, "纸板书3册、儿歌绘本1册、共读记录本1本"),
    ("3–4岁礼包", 36, 60, "绘本4册（含蒙汉双语绘本1册）、阅读地图1份"),
    ("5–6岁礼包", 60, 84, "桥梁书3册、识字绘本1册、幼小衔接阅读建议1份"),
]
SHARES = {"150104001001": ("director", 0.6), "150104002001": ("director2", 0.35)}


def load_demo_reading(seed: int = 26) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    milestones = [
        Milestone.objects.get_or_create(
            name=name, defaults={"age_from_months": lo, "age_to_months": hi, "contents": contents}
        )[0]
        for name, lo, hi, contents in MILESTONES
    ]
    district = Region.objects.get(code="150104000000")
    clinic, _created = PickupPoint.objects.get_or_create(
        name="玉泉区妇幼保健计划生育服务中心", defaults={"kind": PickupPoint.Kind.CLINIC, "region": district}
    )
    PickupPoint.objects.get_or_create(
        name="玉泉区图书馆少儿阅览室", defaults={"kind": PickupPoint.Kind.LIBRARY, "region": district}
    )
    for community in Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=district.path):
        PickupPoint.objects.get_or_create(
            name=f"{community.name}萌阅领取点",
            defaults={"kind": PickupPoint.Kind.COMMUNITY, "region": community},
        )
    coordinator, health = User.objects.get(username="coordinator"), User.objects.get(username="health")
    if not Delivery.objects.exists():
        deliveries.receive(health, clinic, milestones[0], Variant.STANDARD, 300, today, "首批")
        deliveries.receive(health, clinic, milestones[0], Variant.BILINGUAL, 40, today, "蒙汉双语")
        for code in SHARES:
            point = PickupPoint.objects.get(region__code=code, kind=PickupPoint.Kind.COMMUNITY)
            for milestone in milestones:
                deliveries.receive(coordinator, point, milestone, Variant.STANDARD, 80, today, "首批")
    synced = entitlements.sync(today)
    delivered = 0
    if not Delivery.objects.exists():
        for code, (username, share) in SHARES.items():
            giver = User.objects.get(username=username)
            point = PickupPoint.objects.get(region__code=code, kind=PickupPoint.Kind.COMMUNITY)
            due = Entitlement.objects.filter(
                status=Entitlement.Status.DUE, child__residence_region__path__contains=f"/{code}/"
            ).order_by("pk")
            for entitlement in due:
                roll = rng.random()
                given_on = max(entitlement.created_on, today - dt.timedelta(days=rng.randint(0, 60)))
                if roll < share:
                    deliveries.deliver(
                        giver,
                        entitlement,
                        point=point,
                        channel=rng.choice([Delivery.Channel.PICKUP, Delivery.Channel.HOME_VISIT]),
                        given_on=min(given_on, today),
                        guardian_confirmed=True,
                    )
                    delivered += 1
                elif roll < share + 0.08:
                    deliveries.not_delivered(
                        giver, entitlement, rng.choice([Attempt.Reason.UNREACHABLE, Attempt.Reason.AWAY])
                    )
    return {"entitled": synced.created, "delivered": delivered}
