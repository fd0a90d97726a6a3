"""Graded intervention pages: the cases list, opening a case by the child's ID number, the case with
its measures, referrals and reviews, closing (and sealing), the lawful query of sealed cases, and
the district totals. Thin: the rules live in cases.py and summary.py. Every list and read is
audited; ID numbers are only ever POSTed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongyou.accounts.models import Unit
from tongyou.audit.models import AuditEntry
from tongyou.audit.refusals import record_refusal
from tongyou.audit.services import record
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import can, require
from tongyou.core.views import attempt, posted_date, posted_int, requested_year
from tongyou.privacy.masking import mask_id_number, mask_name

from . import cases, summary
from .models import BEHAVIOURS, MEASURES, Actor, Case, Grade, Referral, Review

PAGE = 300


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    """A case the user may read, or 404 — the same answer whether it exists, is elsewhere or is
    sealed."""
    user = request.user
    case = cases.cases_for(user).filter(pk=pk).first()  # type: ignore[arg-type]
    if case is None:
        record_refusal(
            status=404, reason="intervention case", object_type="intervention.Case", object_id=str(pk)
        )
        raise Http404
    return case


@login_required
def cases_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "intervention.view_case")
    status = request.GET.get("status", "open")
    listed = cases.cases_for(request.user)
    if status in Case.Status.values:
        listed = listed.filter(status=status)
    shown = list(listed[:PAGE])
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="intervention.Case",
        details={"listed": len(shown), "ids": [c.child_id for c in shown]},
    )
    today = timezone.localdate()
    rows = [
        (c, mask_name(c.child.name), c.status == Case.Status.OPEN and c.next_review < today) for c in shown
    ]
    return render(
        request,
        "intervention/cases.html",
        {
            "rows": rows,
            "status": status,
            "statuses": Case.Status.choices,
            "may_open": can(request.user, "intervention.add_case"),
        },
    )


def _schools() -> list[Unit]:
    return list(Unit.objects.filter(kind=Unit.Kind.SCHOOL).order_by("name"))


@login_required
def open_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "intervention.add_case")
    if request.method == "POST":
        child = cases.find_child(request.user, request.POST.get("id_number", ""))
        try:
            school = None
            if request.POST.get("school"):
                school = Unit.objects.filter(
                    pk=posted_int(request.POST["school"]), kind=Unit.Kind.SCHOOL
                ).first()
            case = cases.open_case(
                request.user,
                child,
                request.POST.get("grade", ""),
                request.POST.getlist("behaviours"),
                request.POST.get("summary", ""),
                school=school,
            )
        except Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The case is opened."))
            return redirect("intervention:case", case.pk)
    return render(
        request,
        "intervention/open.html",
        {
            "grades": Grade.choices,
            "behaviours": [(Grade(g).label, items) for g, items in BEHAVIOURS.items()],
            "schools": _schools() if cases.actor_of(request.user) != Actor.SCHOOL else [],
        },
    )


@login_required
def case_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    record(AuditEntry.Action.READ, request=request, obj=case)
    actors = cases.actors_for(request.user)
    return render(
        request,
        "intervention/case.html",
        {
            "case": case,
            "id_number": mask_id_number(case.child.id_number),
            "measures": case.measures.all(),
            "referrals": case.referrals.all(),
            "reviews": case.reviews.select_related("reviewer"),
            "measure_choices": [(Actor(a).label, a, MEASURES[Actor(a)]) for a in actors],
            "referral_targets": Referral.To.choices,
            "outcomes": Referral.Outcome.choices,
            "findings": Review.Finding.choices,
            "grades": Grade.choices,
            "closures": Case.Closure.choices,
            "may_close": can(request.user, "intervention.close_case", case),
            "may_regrade": cases.actor_of(request.user) != Actor.SCHOOL,
            "open": case.status == Case.Status.OPEN,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def measure(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    return attempt(
        request,
        lambda: cases.add_measure(
            request.user,
            case,
            request.POST.get("actor", ""),
            request.POST.get("kind", ""),
            request.POST.get("note", ""),
            posted_date(request.POST.get("taken_on", "")),
        ),
        _("The measure is recorded."),
        "intervention:case",
        pk,
    )


@login_required
@require_POST
def referral_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    return attempt(
        request,
        lambda: cases.refer(
            request.user, case, request.POST.get("to", ""), posted_date(request.POST.get("on", ""))
        ),
        _("The referral is recorded."),
        "intervention:case",
        pk,
    )


@login_required
@require_POST
def referral_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    referral = Referral.objects.filter(pk=pk).select_related("case").first()
    if referral is None:
        raise Http404
    case = _case_or_404(request, referral.case_id)
    referral.case = case
    return attempt(
        request,
        lambda: cases.update_referral(request.user, referral, request.POST.get("outcome", "")),
        _("The referral is updated."),
        "intervention:case",
        case.pk,
    )


@login_required
@require_POST
def review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    return attempt(
        request,
        lambda: cases.review(
            request.user,
            case,
            request.POST.get("finding", ""),
            request.POST.get("grade") or None,
            request.POST.get("note", ""),
            posted_date(request.POST.get("reviewed_on", "")),
        ),
        _("The review is recorded."),
        "intervention:case",
        pk,
    )


@login_required
@require_POST
def close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    try:
        cases.close(request.user, case, request.POST.get("closure", ""), seen=request.POST.get("seen"))
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect("intervention:case", pk)
    messages.success(request, _("The case is closed and sealed: it no longer appears to anyone."))
    return redirect("intervention:cases")


@login_required
def sealed_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "intervention.query_sealed")
    found: list[Case] = []
    searched = False
    if request.method == "POST":
        searched = True
        try:
            found = cases.query_sealed(
                request.user, request.POST.get("id_number", ""), request.POST.get("basis", "")
            )
        except Refusal as refusal:
            messages.error(request, str(refusal))
            searched = False
    return render(
        request,
        "intervention/sealed.html",
        {"found": [(c, mask_name(c.child.name)) for c in found], "searched": searched},
    )


@login_required
def summary_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "intervention.view_summary")
    year = requested_year(request)
    rows = summary.district_totals(request.user, year)
    record(
        AuditEntry.Action.STATISTICS,
        request=request,
        object_type="intervention.summary",
        details={"year": year},
    )
    return render(
        request, "intervention/summary.html", {"rows": rows, "year": year, "note": disclosure.note()}
    )
