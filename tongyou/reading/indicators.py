"""The indicator 萌阅 computes (registered with the kernel; monitoring stores the values) and
what it tells the annual report about plan task (四)3."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from tongyou.core.registry import IndicatorResult, registry
from tongyou.datahub.models import Child

from .entitlements import age_in_months, months_before
from .models import MAX_AGE_MONTHS, Delivery, Milestone, PickupPoint, away

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree

READS = (Child, Delivery, Milestone)


def reached_and_registered(as_of: dt.date) -> tuple[dict[int, int], dict[int, int], set[int], set[int]]:
    """By residence region: children 0–6 registered on `as_of`, and those of them who had the pack
    of the milestone whose age they are in by then; and the two sets of children's ids."""
    milestones = list(Milestone.objects.filter(active=True))
    given = set(
        Delivery.objects.filter(given_on__lte=as_of).values_list(
            "entitlement__child_id", "entitlement__milestone_id"
        )
    )
    children = Child.objects.exclude(away()).filter(
        birth_date__gt=months_before(as_of, MAX_AGE_MONTHS), birth_date__lte=as_of
    )
    registered: dict[int, int] = {}
    reached: dict[int, int] = {}
    everyone: set[int] = set()
    served: set[int] = set()
    for pk, region, birth in children.values_list("pk", "residence_region", "birth_date").iterator():
        registered[region] = registered.get(region, 0) + 1
        everyone.add(pk)
        age = age_in_months(birth, as_of)
        if any(m.age_from_months <= age < m.age_to_months and (pk, m.pk) in given for m in milestones):
            reached[region] = reached.get(region, 0) + 1
            served.add(pk)
    return reached, registered, served, everyone


@registry.indicator("reading_packs", reads=READS)
def reading_packs(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """GS-04 萌阅包发放覆盖率: registered children aged 0–6 who have the pack of their age, of all
    registered children aged 0–6, where they live."""
    reached, registered, _served, _everyone = reached_and_registered(as_of)
    return tree.roll_up(reached), tree.roll_up(registered)


def task_facts(year: int) -> list[str]:
    """What the 萌阅 records show for plan task (四)3 in `year`, for the annual report: pick-up
    points and packs given (things), children reached (persons, protected)."""
    from tongyou.core import disclosure

    day = min(dt.date(year, 12, 31), dt.date.today())
    given = Delivery.objects.filter(given_on__year=year).count()
    if not given and not Milestone.objects.exists():
        return []
    _reached, _registered, served, everyone = reached_and_registered(day)
    shown_served = disclosure.persons(disclosure.Signature.of(served), disclosure.PROTECTED)
    shown_all = disclosure.persons(disclosure.Signature.of(everyone), disclosure.PROTECTED)
    points = PickupPoint.objects.filter(active=True).count()
    share = disclosure.share(shown_served, shown_all)
    return [
        f"萌阅计划设领取点{points}个，年内发放阅读礼包{given}份",
        f"截至{day.month}月{day.day}日，已领取本年龄段礼包的0–6岁儿童"
        + disclosure.reported_persons(shown_served, "人", share, of="登记在册0–6岁儿童的"),
    ]
