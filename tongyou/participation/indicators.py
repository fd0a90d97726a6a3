"""Indicators computed from children's participation (registered with the kernel; monitoring
stores the values)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from tongyou.core.registry import IndicatorResult, registry
from tongyou.regions.models import Region
from tongyou.regions.tree import areas_having, share_of_areas

from .models import Council, CouncilSession, Proposal

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree

READS = (Council, CouncilSession, Proposal)


@registry.indicator("council_communities", reads=READS)
def council_communities(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """SP-03: communities and villages whose own children's council met at least once in the
    year up to `as_of` (a council of a street or the district does not count for a community)."""
    met = CouncilSession.objects.filter(
        held_on__year=as_of.year,
        held_on__lte=as_of,
        council__region__level=Region.Level.COMMUNITY,
    ).values_list("council__region", flat=True)
    return share_of_areas(tree, areas_having(set(met), Region.Level.COMMUNITY))


@registry.indicator("proposals_answered_on_time", reads=READS)
def proposals_answered_on_time(
    as_of: dt.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    """SP-08: children's proposals whose answer was due in the year up to `as_of`, and those of
    them answered by the deadline, where the proposal belongs (its community)."""
    due = Proposal.objects.filter(reply_due__year=as_of.year, reply_due__lte=as_of)
    answered: dict[int, int] = {}
    total: dict[int, int] = {}
    for region_id, reply_due, answered_at in due.values_list("region", "reply_due", "answered_at"):
        total[region_id] = total.get(region_id, 0) + 1
        if answered_at is not None and reply_due is not None and answered_at.date() <= reply_due:
            answered[region_id] = answered.get(region_id, 0) + 1
    return tree.roll_up(answered), tree.roll_up(total)


def task_facts(year: int) -> list[str]:
    """What the participation records show for plan task (一)3 in `year`, for the annual report:
    counts of councils, sessions, proposals and results (things), and of children who took part
    (persons, protected as for every reader without access to the records)."""
    from tongyou.core import disclosure

    from .models import Result, Training
    from .reach import took_part

    councils = Council.objects.filter(founded_on__year__lte=year).count()
    sessions = CouncilSession.objects.filter(held_on__year=year).count()
    trainings = Training.objects.filter(held_on__year=year).count()
    filed = Proposal.objects.filter(created_at__year=year).exclude(status=Proposal.Status.WITHDRAWN)
    answered = filed.filter(status=Proposal.Status.PUBLISHED).count()
    due = Proposal.objects.filter(reply_due__year=year)
    on_time = sum(1 for p in due if p.answered_on_time())
    done = Result.objects.filter(status=Result.Status.DONE, updated_on__year=year).count()
    children = disclosure.persons(disclosure.Signature.of(took_part(year)), disclosure.PROTECTED)
    facts = [
        f"儿童议事会{councils}个，年内议事{sessions}次，开展儿童参与培训{trainings}场",
        f"年内收到儿童建议{filed.count()}条，已公布答复{answered}条"
        + (f"，按期答复率{disclosure.share(on_time, due.count())}%" if due.exists() else ""),
        f"已落实完成{done}项；参与儿童" + disclosure.reported_persons(children),
    ]
    return facts if councils or filed.exists() else []
