"""The children's pages: a code opens them, nothing else. No account, no password, no name
asked; the session holds which participant the code opened, and every action checks again that
the code, the age window and the guardian's consent still hold."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongyou.core.errors import Refusal
from tongyou.core.ratelimit import failures_over
from tongyou.core.uploads import upload_limit
from tongyou.core.views import attempt

from . import codes, proposals, surveys
from .forms import ChildProposalForm
from .models import Comment, Participant, Proposal
from .views import _facilities

SESSION_KEY = "participation_participant"


def _participant(request: HttpRequest) -> Participant | None:
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    try:
        return codes.may_take_part(Participant(pk=pk))
    except (Refusal, Participant.DoesNotExist) as refusal:
        request.session.pop(SESSION_KEY, None)
        if isinstance(refusal, Refusal):
            messages.error(request, str(refusal))
        return None


# Wrong codes an address may try in an hour: a classroom shares one address, so only failures
# count; a guesser of 31⁸ codes gets nowhere at this rate.
JOIN_FAILURES = "30/h"


def join(request: HttpRequest) -> HttpResponse:
    """Type the code the teacher or community gave you."""
    if request.method == "POST":
        if failures_over(request, "participation.join", JOIN_FAILURES):
            messages.error(request, _("Too many tries. Wait an hour, or ask your teacher for help."))
            return render(request, "participation/join.html", status=429)
        try:
            participant = codes.enter(request.POST.get("code", ""))
        except Refusal as refusal:
            failures_over(request, "participation.join", JOIN_FAILURES, count_this=True)
            messages.error(request, str(refusal))
            return render(request, "participation/join.html", status=400)
        request.session.cycle_key()
        request.session[SESSION_KEY] = participant.pk
        return redirect("participation:mine")
    return render(request, "participation/join.html")


def mine(request: HttpRequest) -> HttpResponse:
    """My ideas, their answers, and the other children's ideas I may support."""
    participant = _participant(request)
    if participant is None:
        return redirect("participation:join")
    process = participant.process
    phase = process.active_phase()
    own = participant.proposals.order_by("-created_at")
    others = (
        process.proposals.filter(
            status__in=(
                Proposal.Status.APPROVED,
                Proposal.Status.ASSIGNED,
                Proposal.Status.ANSWERED,
                Proposal.Status.PUBLISHED,
            )
        )
        .exclude(participant=participant)
        .order_by("-created_at")[:50]
    )
    supported = set(participant.supports.values_list("proposal_id", flat=True))
    # Under each idea: the comments that passed moderation, and the child's own still waiting.
    comments: dict[int, list[Comment]] = {}
    for made in Comment.objects.filter(proposal__process=process).exclude(status=Comment.Status.WITHDRAWN):
        if made.status == Comment.Status.APPROVED or made.participant_id == participant.pk:
            comments.setdefault(made.proposal_id, []).append(made)
    others_with_comments = [(p, comments.get(p.pk, [])) for p in others]
    form = ChildProposalForm(facilities=_facilities(process))
    return render(
        request,
        "participation/mine.html",
        {
            "participant": participant,
            "process": process,
            "phase": phase,
            "own": own,
            "others": others_with_comments,
            "supported": supported,
            "form": form,
            "surveys": surveys.open_for(participant),
            "tile_url": settings.TILE_URL,
        },
    )


@upload_limit(proposals.PHOTO_MAX_BYTES)
@require_POST
def file(request: HttpRequest) -> HttpResponse:
    participant = _participant(request)
    if participant is None:
        return redirect("participation:join")
    form = ChildProposalForm(request.POST, request.FILES, facilities=_facilities(participant.process))
    if not form.is_valid():
        messages.error(request, _("Write what your idea is about in a few words, and what the problem is."))
        return redirect("participation:mine")
    data = dict(form.cleaned_data)
    photo = data.pop("photo", None)
    return attempt(
        request,
        lambda: proposals.file_as_child(participant, **data, photos=[photo] if photo else []),
        _("Thank you! Your idea is sent. A grown-up checks it first, then everyone can see it."),
        "participation:mine",
    )


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request)
    if participant is None:
        return redirect("participation:join")
    proposal = get_object_or_404(Proposal, pk=pk, participant=participant)
    proposals.withdraw(proposal, participant)
    messages.success(request, _("Your idea is taken back. Nobody else can see it now."))
    return redirect("participation:mine")


@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request)
    if participant is None:
        return redirect("participation:join")
    proposal = get_object_or_404(Proposal, pk=pk, process=participant.process)
    return attempt(
        request,
        lambda: proposals.support(proposal, participant),
        _("You support this idea."),
        "participation:mine",
    )


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("participation:join")


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request)
    if participant is None:
        return redirect("participation:join")
    proposal = get_object_or_404(Proposal, pk=pk, process=participant.process)
    return attempt(
        request,
        lambda: proposals.comment(proposal, participant, request.POST.get("text", "")),
        _("Thank you! A grown-up checks your comment first, then everyone can see it."),
        "participation:mine",
    )


@require_POST
def withdraw_comment(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request)
    if participant is None:
        return redirect("participation:join")
    made = get_object_or_404(Comment, pk=pk, participant=participant)
    proposals.withdraw_comment(made, participant)
    messages.success(request, _("Your comment is taken back."))
    return redirect("participation:mine")
