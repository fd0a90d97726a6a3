"""The demo's reporting round: this year's, due at year end, with the computed indicators filled in."""

import datetime

from django.utils import timezone

from .models import ReportingRound
from .services import current_plan
from .values import compute


def open_demo_round(today=None):
    """Open this year's round (if none) and compute this year's indicators; returns the round."""
    today = today or timezone.localdate()
    plan = current_plan()
    reporting_round, _created = ReportingRound.objects.get_or_create(
        year=today.year, quarter=None, defaults={"deadline": datetime.date(today.year, 12, 31), "plan": plan}
    )
    compute(str(today.year), today)
    return reporting_round
