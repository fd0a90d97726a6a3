"""DE-01, computed from the guidance points (registered with the kernel; monitoring stores the
values)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from tongyou.core.registry import IndicatorResult, registry
from tongyou.regions.models import Region
from tongyou.regions.tree import areas_having, share_of_areas

from .models import GuidancePoint
from .points import operating

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree


@registry.indicator("guidance_points", reads=(GuidancePoint,))
def guidance_points(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """DE-01 家庭教育指导服务站点覆盖率: communities with a parent school or guidance point operating
    on the day, of all communities, by street and district."""
    return share_of_areas(tree, areas_having(operating(as_of), Region.Level.COMMUNITY))


def task_facts(year: int) -> list[str]:
    """What the family-education records show for plan task (五)1 in `year`, for the annual report:
    points, communities covered, visits and sessions (things), and families reached (households,
    protected as for every reader without access to the records)."""
    import datetime as _dt

    from django.utils import timezone

    from tongyou.community.models import Activity
    from tongyou.core import disclosure

    from .models import Visit
    from .reach import reached_families
    from .visits import families_with_children

    day = min(_dt.date(year, 12, 31), timezone.localdate())
    with_point = operating(day)
    visits = Visit.objects.filter(visited_on__year=year).count()
    sessions = Activity.objects.filter(kind=Activity.Kind.PARENT_SCHOOL, starts_at__year=year).count()
    if not (with_point or visits or sessions):
        return []
    communities = Region.objects.filter(level=Region.Level.COMMUNITY).count()
    families = set(families_with_children(day).values_list("pk", flat=True))
    reached = families & reached_families(year)
    shown_reached = disclosure.persons(disclosure.Signature.of(reached), disclosure.PROTECTED)
    shown_all = disclosure.persons(disclosure.Signature.of(families), disclosure.PROTECTED)
    share = disclosure.share(shown_reached, shown_all)
    return [
        f"家长学校和家庭教育指导站点覆盖{len(with_point)}个社区（共{communities}个）；"
        f"年内家庭走访{visits}次，开展家长学校课程{sessions}场",
        "年内通过走访或家长学校覆盖的有儿童家庭" + disclosure.reported_persons(shown_reached, "户", share),
    ]
