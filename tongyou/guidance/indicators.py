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
