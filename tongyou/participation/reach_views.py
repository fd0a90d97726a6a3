"""The reach page: who takes part against who lives there, and how units answer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import require

from . import reach


@login_required
def reach_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "participation.view_reach")
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or this_year)
    except ValueError:
        year = this_year
    year = min(max(year, this_year - 10), this_year)
    dimension = request.GET.get("dimension", "age")
    area_level = "street" if request.GET.get("area") == "street" else "community"
    table, refusal = None, ""
    try:
        table = reach.reach(request.user, year=year, dimension=dimension, area_level=area_level)
    except Refusal as exc:
        refusal = str(exc)
    record(
        AuditEntry.Action.STATISTICS,
        request=request,
        object_type="participation.reach",
        details={"year": year, "dimension": dimension, "area": area_level},
    )
    return render(
        request,
        "participation/reach.html",
        {
            "table": table,
            "refusal": refusal,
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "dimension": dimension,
            "dimensions": reach.DIMENSIONS,
            "area": area_level,
            "units": reach.answering_on_time(request.user),
            "note": disclosure.note(),
        },
    )
