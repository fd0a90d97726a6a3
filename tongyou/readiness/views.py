"""Disaster-readiness pages: the overview (screening completion, places, supplies, education),
the children to screen with the checklist, children-dense places with plans and drills, and
supplies per community. Thin: the rules live in screenings.py, places.py and supplies.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.community.models import Activity
from tongyou.community.overview import activities_by_street
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import can, jurisdiction_path, require
from tongyou.core.views import attempt, posted_date, posted_int, posted_region
from tongyou.datahub.models import Child
from tongyou.privacy.masking import mask_name
from tongyou.spaces.models import Facility

from . import places, screenings, supplies
from .models import CHECKLIST, DENSE_KINDS, Drill, FollowUp, Screening, Supply, SupplyNorm


@login_required
def overview_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "readiness.view_overview")
    year = timezone.localdate().year
    completion, refusal = [], ""
    try:
        completion = screenings.completion(request.user)
        education = activities_by_street(request.user, Activity.Kind.DISASTER_EDUCATION, year)
    except Refusal as exc:
        refusal, education = str(exc), []
    dense = places.dense_places(request.user) if can(request.user, "readiness.view_emergencyplan") else []
    shortfalls = []
    if can(request.user, "readiness.view_supplystock"):
        columns, rows = supplies.supply_table(request.user)
        shortfalls = [
            (label, sum(1 for row in rows if row.cells[i].shortfall))
            for i, (_key, label) in enumerate(columns)
        ]
    record(AuditEntry.Action.STATISTICS, request=request, object_type="readiness.overview", details={})
    return render(
        request,
        "readiness/overview.html",
        {
            "completion": completion,
            "education": education,
            "refusal": refusal,
            "places_total": len(dense),
            "places_flagged": sum(1 for p in dense if p.flagged),
            "shows_places": can(request.user, "readiness.view_emergencyplan"),
            "shortfalls": shortfalls,
            "year": year,
            "note": disclosure.note(),
            "protected": disclosure.Policy.for_user(request.user).protected,
        },
    )


@login_required
def screenings_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "readiness.view_screening")
    rows = screenings.due(request.user)
    path = jurisdiction_path(request.user) or "-"
    open_items = list(
        FollowUp.objects.filter(
            done_on__isnull=True, screening__child__residence_region__path__startswith=path
        )
        .select_related("screening__child")
        .order_by("due")[:300]
    )
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="readiness.Screening",
        details={"listed": len(rows), "ids": [r.child.pk for r in rows]},
    )
    today = timezone.localdate()
    return render(
        request,
        "readiness/screenings.html",
        {
            "rows": [(r, mask_name(r.child.name)) for r in rows],
            "open_items": [(f, mask_name(f.screening.child.name), f.due < today) for f in open_items],
        },
    )


def _child(request: AuthenticatedRequest, pk: int) -> Child:
    """A child of the screened population in the user's area, or 404."""
    path = jurisdiction_path(request.user)
    child = Child.objects.filter(pk=pk, residence_region__path__startswith=path or "-").first()
    if child is None or not can(request.user, "readiness.view_screening", child):
        raise Http404
    return child


@login_required
def child_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "readiness.view_screening")
    child = _child(request, pk)
    record(AuditEntry.Action.READ, request=request, obj=child, details={"for": "readiness"})
    history = list(
        Screening.objects.filter(child=child).prefetch_related("followups").select_related("screened_by")
    )
    return render(
        request,
        "readiness/child.html",
        {
            "child": child,
            "name": mask_name(child.name),
            "history": history,
            "checklist": CHECKLIST,
            "today": timezone.localdate(),
            "in_population": child.pk in screenings.population(timezone.localdate()),
        },
    )


@login_required
@require_POST
def screen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "readiness.add_screening")
    child = _child(request, pk)
    answers = {code: request.POST.get(code, "") for code, _label in CHECKLIST}
    return attempt(
        request,
        lambda: screenings.screen(
            request.user,
            child,
            answers,
            request.POST.get("note", ""),
            posted_date(request.POST.get("on", "")),
        ),
        lambda s: _("The screening is recorded: %(n)d risks to follow up.") % {"n": len(s.risks)},
        "readiness:child",
        pk,
    )


@login_required
@require_POST
def follow_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "readiness.add_screening")
    item = FollowUp.objects.filter(pk=pk).select_related("screening__child").first()
    if item is None:
        raise Http404
    child = _child(request, item.screening.child_id)
    return attempt(
        request,
        lambda: screenings.follow_up(
            request.user, item, request.POST.get("action", ""), posted_date(request.POST.get("on", ""))
        ),
        _("The follow-up is recorded."),
        "readiness:child",
        child.pk,
    )


@login_required
def places_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "readiness.view_emergencyplan")
    return render(
        request,
        "readiness/places.html",
        {
            "rows": places.dense_places(request.user),
            "keeps": can(request.user, "readiness.change_emergencyplan"),
            "kinds": Drill.Kind.choices,
            "today": timezone.localdate(),
        },
    )


def _place(request: AuthenticatedRequest, pk: int) -> Facility:
    path = jurisdiction_path(request.user) or "-"
    facility = Facility.objects.filter(pk=pk, kind__in=DENSE_KINDS, region__path__startswith=path).first()
    if facility is None:
        raise Http404
    return facility


@login_required
@require_POST
def plan_save(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "readiness.change_emergencyplan")
    facility = _place(request, pk)
    return attempt(
        request,
        lambda: places.save_plan(
            request.user,
            facility,
            posted_date(request.POST.get("approved_on", "")),
            request.POST.get("responsible", ""),
            posted_int(request.POST.get("drill_every_days", "") or "183"),
        ),
        _("The emergency plan is saved."),
        "readiness:places",
    )


@login_required
@require_POST
def drill_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "readiness.change_emergencyplan")
    facility = _place(request, pk)
    return attempt(
        request,
        lambda: places.record_drill(
            request.user,
            facility,
            posted_date(request.POST.get("held_on", "")),
            request.POST.get("kind", ""),
            posted_int(request.POST.get("participants", "")),
        ),
        _("The drill is recorded."),
        "readiness:places",
    )


@login_required
def supplies_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "readiness.view_supplystock")
    refusal = ""
    try:
        columns, rows = supplies.supply_table(request.user)
    except Refusal as exc:
        columns, rows, refusal = [], [], str(exc)
    record(AuditEntry.Action.STATISTICS, request=request, object_type="readiness.supplies", details={})
    return render(
        request,
        "readiness/supplies.html",
        {
            "columns": columns,
            "rows": rows,
            "refusal": refusal,
            "items": Supply.choices,
            "norms": SupplyNorm.objects.all(),
            "age_groups": SupplyNorm.AgeGroup.choices,
            "keeps": can(request.user, "readiness.change_supplystock"),
            "sets_norms": can(request.user, "readiness.change_supplynorm"),
            "note": disclosure.note(),
            "protected": disclosure.Policy.for_user(request.user).protected,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def supply_move(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "readiness.change_supplystock")

    def run() -> object:
        region = posted_region(
            request.POST.get("region", ""), _("Supplies are held per community: choose a community.")
        )
        quantity = posted_int(request.POST.get("quantity", ""))
        change = -quantity if request.POST.get("direction") == "issue" else quantity
        if quantity <= 0:
            raise Refusal(_("Enter a number of items from 1 to %(most)d.") % {"most": supplies.MAX_MOVE})
        return supplies.move(
            request.user,
            region,
            request.POST.get("item", ""),
            change,
            posted_date(request.POST.get("on", "")),
            request.POST.get("note", ""),
        )

    return attempt(request, run, _("The supplies are recorded."), "readiness:supplies")


@login_required
@require_POST
def norm_save(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "readiness.change_supplynorm")
    return attempt(
        request,
        lambda: supplies.set_norm(
            request.user,
            request.POST.get("item", ""),
            request.POST.get("age_group", ""),
            request.POST.get("per_child", ""),
        ),
        _("The norm is saved."),
        "readiness:supplies",
    )
