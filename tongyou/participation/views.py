"""Staff pages: processes and their stages, moderation, assignment, a unit's answers, codes and
consents, results. Thin: the rules are in processes.py, codes.py, proposals.py and results.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tongyou.accounts.models import Unit
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import can, get_scoped_or_404, require, scoped
from tongyou.core.views import attempt
from tongyou.datahub.services.search import ID_LIKE, search_children
from tongyou.regions.models import Region
from tongyou.spaces.models import Facility

from . import codes, processes, proposals, results
from .forms import ConsentForm, GroupProposalForm, IssueCodeForm, ProcessForm
from .models import STAGE_ORDER, Comment, Process, Proposal, Result
from .steps import PROPOSAL_FLOW

EVENT_LABELS = {
    "file": _("Filed"),
    "approve": _("Approved by moderation"),
    "reject": _("Not passed by moderation"),
    "assign": _("Assigned to a unit"),
    "answer": _("Answered"),
    "return": _("Answer sent back"),
    "publish": _("Answer published"),
    "withdraw": _("Withdrawn by the child"),
}
STEP_DONE = {
    "approve": _("Approved: the proposal is now visible."),
    "reject": _("Not passed: the proposal stays hidden."),
    "assign": _("Assigned: the unit is told and its clock runs."),
    "answer": _("Answer saved; it goes public when the office publishes it."),
    "return": _("The answer is sent back to the unit."),
    "publish": _("The answer is published: the child can read it."),
}


def _regions_for(user: Any) -> Any:
    path = user.jurisdiction.path if user.jurisdiction else "-"
    return Region.objects.filter(path__startswith=path, level__lte=Region.Level.COMMUNITY).order_by("path")


@login_required
def process_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "participation.view_process")
    form = ProcessForm(request.POST or None, regions=_regions_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            process = processes.create_process(
                request.user,
                title=data["title"],
                summary=data["summary"],
                kind=data["kind"],
                region=data["region"],
                dates=form.dates(),
                age_min=data["age_min"],
                age_max=data["age_max"],
                reply_days=data["reply_days"],
            )
        except Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The process is created; open its first stage when it starts."))
            return redirect("participation:process", pk=process.pk)
    rows = scoped(Process.objects.select_related("region"), request.user).annotate(
        waiting=Count("proposals", filter=Q(proposals__status=Proposal.Status.PENDING)),
        unanswered=Count("proposals", filter=Q(proposals__status__in=processes.UNANSWERED)),
    )
    return render(request, "participation/process_list.html", {"processes": rows, "form": form})


@login_required
def process_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    process = get_scoped_or_404(Process.objects.select_related("region", "facility"), request.user, pk=pk)
    shown = proposals.visible_to(request.user).filter(process=process).annotate(n_supports=Count("supports"))
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="participation.Proposal",
        details={"process": process.pk, "shown": [p.pk for p in shown[:200]]},
    )
    return render(
        request,
        "participation/process_detail.html",
        {
            "process": process,
            "phases": process.phases.all(),
            "active": process.active_phase(),
            "proposals": shown[:200],
            "results": process.results.select_related("unit").prefetch_related("proposals"),
            "surveys": process.surveys.all(),
            "may_manage": can(request.user, "participation.manage_process", process),
            "may_issue": can(request.user, "participation.add_participant"),
            "issue_form": IssueCodeForm(),
            # filled in only the first time a code is issued to a child: not required in the page
            "consent_form": ConsentForm(prefix="consent", use_required_attribute=False),
            "group_form": GroupProposalForm(prefix="group", facilities=_facilities(process)),
            "units": Unit.objects.order_by("name"),
            "stages": STAGE_ORDER,
            "participants": process.participants.filter(revoked_at__isnull=True).count(),
        },
    )


def _facilities(process: Process) -> Any:
    return Facility.objects.filter(region__path__startswith=process.region.path).order_by("name")


def _process(request: AuthenticatedRequest, pk: int) -> Process:
    return get_scoped_or_404(Process.objects.all(), request.user, pk=pk)


@login_required
@require_POST
def process_stage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    process = _process(request, pk)
    stage = request.POST.get("stage", "")
    return attempt(
        request,
        lambda: processes.activate(process, stage, request.user, seen=request.POST.get("seen")),
        _("The active stage is changed."),
        "participation:process",
        pk=pk,
    )


@login_required
@require_POST
def process_switches(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    process = _process(request, pk)

    def change() -> None:
        phase = process.phases.filter(pk=request.POST.get("phase") or 0).first()
        if phase is None:
            raise Refusal(_("Unknown stage."))
        processes.set_switches(phase, request.user, **{n: n in request.POST for n in processes.SWITCHES})

    return attempt(request, change, _("Settings saved."), "participation:process", pk=pk)


@login_required
@require_POST
def process_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    process = _process(request, pk)
    return attempt(
        request,
        lambda: processes.close(process, request.user),
        _("The process is closed."),
        "participation:process",
        pk=pk,
    )


@login_required
@require_POST
def issue_code(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Issue a child's code (recording the guardian's consent form first, if one is given). The
    code is shown on this one page and never again."""
    process = _process(request, pk)
    require(request.user, "participation.add_participant")
    form = IssueCodeForm(request.POST)
    consent = ConsentForm(request.POST, prefix="consent")
    try:
        if not form.is_valid():
            raise Refusal(_("Fill in the child's ID number and the given name to show."))
        id_number = form.cleaned_data["id_number"].strip().upper()
        child = search_children(request.user, id_number).first() if ID_LIKE.match(id_number) else None
        if child is None:
            raise Refusal(_("No child with this ID number in the index of your area."))
        if request.POST.get("consent-guardian_name", "").strip():
            if not consent.is_valid():
                raise Refusal(_("Complete the consent form: guardian, relationship and date signed."))
            codes.record_consent(request.user, child, **consent.cleaned_data)
        participant, code = codes.issue_code(
            request.user,
            process,
            child,
            display_name=form.cleaned_data["display_name"],
            grade=form.cleaned_data["grade"],
        )
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect("participation:process", pk=pk)
    return render(
        request,
        "participation/code_issued.html",
        {"process": process, "participant": participant, "code": code},
    )


@login_required
@require_POST
def file_group_proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    process = _process(request, pk)
    form = GroupProposalForm(request.POST, prefix="group", facilities=_facilities(process))
    if not form.is_valid():
        messages.error(request, _("Complete the proposal: who filed it, a title and the problem."))
        return redirect("participation:process", pk=pk)
    data = dict(form.cleaned_data)
    return attempt(
        request,
        lambda: proposals.file_for_group(request.user, process, **data),
        _("The proposal is entered; it waits for moderation."),
        "participation:process",
        pk=pk,
    )


@login_required
def moderation(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "participation.moderate_proposal")
    waiting = proposals.visible_to(request.user).filter(status=Proposal.Status.PENDING).order_by("created_at")
    comments = (
        scoped(Comment.objects.select_related("proposal"), request.user)
        .filter(status=Comment.Status.PENDING)
        .order_by("created_at")[:200]
    )
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="participation.Proposal",
        details={"shown": [p.pk for p in waiting[:200]], "comments": [c.pk for c in comments]},
    )
    return render(
        request, "participation/moderation.html", {"proposals": waiting[:200], "comments": comments}
    )


@login_required
@require_POST
def comment_moderate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    made = get_scoped_or_404(Comment.objects.select_related("proposal"), request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    return attempt(
        request,
        lambda: proposals.moderate_comment(
            made, request.user, approve=approve, note=request.POST.get("note", "")
        ),
        _("Approved: the comment is now visible.") if approve else _("Not passed: the comment stays hidden."),
        "participation:moderation",
    )


@login_required
def unit_replies(request: AuthenticatedRequest) -> HttpResponse:
    """The proposals assigned to the user's unit, the oldest deadline first."""
    if request.user.unit_id is None or not can(request.user, "participation.view_proposal"):
        raise PermissionDenied
    mine = proposals.visible_to(request.user).filter(unit_id=request.user.unit_id).order_by("reply_due", "pk")
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="participation.Proposal",
        details={"shown": [p.pk for p in mine[:200]]},
    )
    return render(request, "participation/replies.html", {"proposals": mine[:200]})


@login_required
def proposal_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = get_scoped_or_404(proposals.visible_to(request.user), request.user, pk=pk)
    record(AuditEntry.Action.READ, request=request, obj=proposal)
    return render(
        request,
        "participation/proposal_detail.html",
        {
            "proposal": proposal,
            "events": [
                (e, EVENT_LABELS.get(e.action, e.action)) for e in proposal.events.select_related("actor")
            ],
            "actions": PROPOSAL_FLOW.allowed(proposal, request.user),
            "units": Unit.objects.order_by("name"),
            "answers": Proposal.Answer.choices,
            "own_unit": proposal.unit_id is not None and proposal.unit_id == request.user.unit_id,
            "child_consent": codes.current_consent(proposal.participant.child)
            if proposal.participant
            else None,
            "results": proposal.results.all(),
            "photos": proposal.photos.only("pk"),
            "comments": proposal.comments.select_related("participant"),
        },
    )


@login_required
@require_POST
def proposal_step(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = get_scoped_or_404(proposals.visible_to(request.user), request.user, pk=pk)
    action = request.POST.get("action", "")

    def step() -> None:
        unit = None
        if action == "assign":
            unit = Unit.objects.filter(pk=request.POST.get("unit") or 0).first()
        proposals.take_step(
            proposal,
            action,
            request.user,
            note=request.POST.get("note", ""),
            seen=request.POST.get("seen"),
            unit=unit,
            answer=request.POST.get("answer", ""),
        )

    return attempt(request, step, STEP_DONE.get(action), "participation:proposal", pk=pk)


@login_required
@require_POST
def result_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    process = _process(request, pk)

    def create() -> None:
        chosen = process.proposals.filter(pk__in=request.POST.getlist("proposals"))
        unit = Unit.objects.filter(pk=request.POST.get("unit") or 0).first()
        if unit is None:
            raise Refusal(_("Choose the unit responsible for answering."))
        results.create_result(request.user, process, chosen, title=request.POST.get("title", ""), unit=unit)

    return attempt(request, create, _("The result is recorded."), "participation:process", pk=pk)


@login_required
@require_POST
def result_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    result = get_scoped_or_404(Result.objects.select_related("process"), request.user, pk=pk)

    def update() -> None:
        import datetime as dt

        try:
            on = dt.date.fromisoformat(request.POST.get("on", ""))
            progress = int(request.POST.get("progress", ""))
        except ValueError as exc:
            raise Refusal(_("Give the date and the progress as a number.")) from exc
        results.add_update(
            result,
            request.user,
            on=on,
            text=request.POST.get("text", ""),
            status=request.POST.get("status", ""),
            progress=progress,
        )

    return attempt(
        request, update, _("The result is updated."), "participation:process", pk=result.process_id
    )


@login_required
def proposal_photo(request: AuthenticatedRequest, pk: int, photo_pk: int) -> HttpResponse:
    proposal = get_scoped_or_404(proposals.visible_to(request.user), request.user, pk=pk)
    photo = proposal.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    record(AuditEntry.Action.READ, request=request, obj=photo)
    response = HttpResponse(proposals.photo_bytes(photo), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
