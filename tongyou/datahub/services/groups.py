"""The equity groups every reach and coverage table cuts by: children who are left-behind,
floating, disabled or in a low-income family on a day, as the master index's facts say."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..codes import ChildStatus
from ..models import Disability, StatusPeriod

EQUITY_GROUPS = {
    "left_behind": _("Left-behind"),
    "floating": _("Floating"),
    "disabled": _("Disabled"),
    "low_income": _("Low-income family"),
}


def members(day: dt.date) -> dict[str, set[int]]:
    """{group: ids of the children in it on `day`}."""
    current = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    statuses = StatusPeriod.objects.filter(current)
    return {
        "left_behind": set(
            statuses.filter(status=ChildStatus.LEFT_BEHIND).values_list("child_id", flat=True)
        ),
        "floating": set(statuses.filter(status=ChildStatus.FLOATING).values_list("child_id", flat=True)),
        "disabled": set(Disability.objects.filter(current).values_list("child_id", flat=True)),
        "low_income": set(
            statuses.filter(status__in=(ChildStatus.LOW_INCOME, ChildStatus.EXTREMELY_POOR)).values_list(
                "child_id", flat=True
            )
        ),
    }
