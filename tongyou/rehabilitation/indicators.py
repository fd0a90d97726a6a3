"""RP-05, computed from the special register (registered with the kernel; monitoring stores the
values)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from tongyou.core.registry import IndicatorResult, registry

from .coverage import assisted_children, priority_registrations
from .models import Application, Registration

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree

READS = (Registration, Application)


@registry.indicator("rehab_assistance", reads=READS)
def rehab_assistance(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """RP-05 残疾儿童康复救助覆盖率: disabled children 0–10 needing rehabilitation who were
    assisted in the year, of all of them, where they live."""
    assisted = assisted_children(as_of.year)
    registered: dict[int, set[int]] = {}
    for child_id, region in (
        Registration.objects.filter(priority_registrations(as_of.year))
        .values_list("child_id", "child__residence_region")
        .iterator()
    ):
        registered.setdefault(region, set()).add(child_id)
    denominators = {region: len(ids) for region, ids in registered.items()}
    numerators = {region: len(ids & assisted) for region, ids in registered.items()}
    return tree.roll_up(numerators), tree.roll_up(denominators)


def task_facts(year: int) -> list[str]:
    """What the rehabilitation records show for plan task (三)2 in `year`, for the annual report:
    institutions, applications and settlements (things), and children assisted (persons,
    protected as for every reader without access to the records)."""
    from django.db.models import Sum

    from tongyou.core import disclosure

    from .coverage import as_of
    from .models import Institution, ServiceMonth

    filed = Application.objects.filter(filed_on__year=year).count()
    institutions = Institution.objects.filter(status=Institution.Status.DESIGNATED).count()
    if not filed and not institutions:
        return []
    settled = ServiceMonth.objects.filter(month__year=year, settled__isnull=False)
    amount = settled.aggregate(total=Sum("settled"))["total"] or 0
    assisted = assisted_children(year)
    registered = set(
        Registration.objects.filter(priority_registrations(year)).values_list("child_id", flat=True)
    )
    shown_assisted = disclosure.persons(disclosure.Signature.of(registered & assisted), disclosure.PROTECTED)
    shown_registered = disclosure.persons(disclosure.Signature.of(registered), disclosure.PROTECTED)
    share = disclosure.share(shown_assisted, shown_registered)
    day = as_of(year)
    return [
        f"定点康复机构{institutions}家；年内受理残疾儿童康复救助申请{filed}份，"
        f"结算康复服务{settled.count()}人月、{amount:,.2f}元",
        f"截至{day.month}月{day.day}日，年内获得康复救助的0–10岁残疾儿童"
        + disclosure.reported_persons(shown_assisted, "人", share, of="需康复的在册0–10岁残疾儿童的"),
    ]
