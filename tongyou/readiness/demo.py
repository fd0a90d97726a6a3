"""Demo data for disaster readiness: norms per child for the five items, stock in the demo
directors' communities (one short), screenings of orphans and de-facto-unsupported children in
the first demo community with a risk to follow up, emergency plans and drills for some places (one
overdue), and a disaster-prevention education activity. Through the real services, by the demo
accounts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tongyou.accounts.models import User
from tongyou.community.activities import create_activity
from tongyou.community.models import Activity
from tongyou.regions.models import Region

from . import places, screenings, supplies
from .models import CHECKLIST, DENSE_KINDS, Drill, Screening, Supply, SupplyNorm, SupplyStock

NORMS = [
    (Supply.FORMULA, SupplyNorm.AgeGroup.INFANTS, "2"),
    (Supply.NAPPIES, SupplyNorm.AgeGroup.INFANTS, "3"),
    (Supply.CLOTHING, SupplyNorm.AgeGroup.CHILDREN, "1"),
    (Supply.MEDICINE, SupplyNorm.AgeGroup.CHILDREN, "0.2"),
    (Supply.BLANKETS, SupplyNorm.AgeGroup.CHILDREN, "1"),
]


def load_demo_readiness() -> dict[str, int]:
    today = timezone.localdate()
    street = User.objects.get(username="street")
    director = User.objects.get(username="director")
    emergency = User.objects.get(username="emergency")
    if not SupplyNorm.objects.exists():
        for item, group, per_child in NORMS:
            supplies.set_norm(emergency, item, group, per_child)
    stocked = 0
    for code, share in (("150104001001", 1.0), ("150104001002", 0.3)):
        region = Region.objects.filter(code=code).first()
        if region is None or SupplyStock.objects.filter(region=region).exists():
            continue
        for value in Supply.values:
            supplies.move(street, region, value, max(1, int(120 * share)), today, "首批储备")
            stocked += 1
    screened = 0
    if not Screening.objects.exists():
        population = screenings.population(today)
        for n, due in enumerate(screenings.due(director, today)[:6]):
            if due.child.pk not in population:
                continue
            answers = {code: "ok" for code, _label in CHECKLIST}
            if n % 3 == 0:
                answers["emergency_contact"] = "risk"
            screenings.screen(
                director, due.child, answers, "（演示）入户排查", today - dt.timedelta(days=10 * n)
            )
            screened += 1
    planned = 0
    from tongyou.spaces.models import Facility

    for n, facility in enumerate(
        Facility.objects.filter(
            kind__in=DENSE_KINDS, region__path__startswith=street.jurisdiction.path
        ).order_by("pk")[:6]
        if street.jurisdiction
        else []
    ):
        if hasattr(facility, "emergency_plan"):
            continue
        places.save_plan(street, facility, today - dt.timedelta(days=300), "安全副校长", 183)
        if n % 3 != 2:  # every third place's drill is overdue
            places.record_drill(
                street, facility, today - dt.timedelta(days=30 + n), Drill.Kind.EVACUATION, 300
            )
        planned += 1
    if not Activity.objects.filter(kind=Activity.Kind.DISASTER_EDUCATION).exists() and director.jurisdiction:
        start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=5)
        create_activity(
            director,
            title="“防灾减灾日”儿童应急避险体验",
            kind=Activity.Kind.DISASTER_EDUCATION,
            region=director.jurisdiction,
            place="社区活动室",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            capacity=40,
            age_min=6,
            age_max=14,
        )
    return {"stock_rows": stocked, "screened": screened, "plans": planned}
