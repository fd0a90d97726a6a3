"""The public column's participation pages (决策公示): processes, the children's proposals that
passed moderation, published answers and results. A child is shown at most by a given name and
grade, and their own words only where the guardian consented; never a full name, class, address
or face."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from tongyou.core.registry import PanelLine

from . import codes
from .models import Comment, Process, Proposal, Result
from .proposals import PUBLIC_STATES, is_public, photo_bytes, photos_public

OPEN_OR_CLOSED = (Process.Status.OPEN, Process.Status.CLOSED)


def public_list(request: HttpRequest) -> HttpResponse:
    shown = (
        Process.objects.exclude(status=Process.Status.DRAFT)
        .select_related("region")
        .prefetch_related("phases")
    )
    return render(request, "participation/public_list.html", {"processes": shown})


def _as_shown(proposal: Proposal) -> dict[str, Any]:
    """What the public may see of one proposal."""
    consent = codes.current_consent(proposal.participant.child) if proposal.participant else None
    words = proposal.participant is None or bool(consent and consent.words_public)
    if proposal.participant is None:
        by = proposal.group_name
    elif words:
        by = " ".join(
            part for part in (proposal.participant.display_name, proposal.participant.grade) if part
        )
    else:
        by = ""
    return {
        "proposal": proposal,
        "words": words,
        "by": by,
        "answer": proposal.answer_text if proposal.status == Proposal.Status.PUBLISHED else "",
        "photos": list(proposal.photos.values_list("pk", flat=True)) if photos_public(proposal) else [],
        "comments": [_comment_shown(c) for c in proposal.comments.filter(status=Comment.Status.APPROVED)]
        if proposal.participant is None or words
        else [],
    }


def _comment_shown(made: Comment) -> dict[str, str]:
    """A comment as the public sees it: its words only where the commenter's guardian agreed."""
    consent = codes.current_consent(made.participant.child)
    if not (consent and consent.words_public):
        return {"by": "", "text": ""}
    by = " ".join(part for part in (made.participant.display_name, made.participant.grade) if part)
    return {"by": by, "text": str(made.text)}


def public_process(request: HttpRequest, pk: int) -> HttpResponse:
    process = get_object_or_404(
        Process.objects.exclude(status=Process.Status.DRAFT).select_related("region"), pk=pk
    )
    shown = [
        _as_shown(p)
        for p in process.proposals.select_related("participant__child", "unit").order_by("created_at")
        if is_public(p)
    ]
    results = process.results.select_related("unit").prefetch_related(
        Prefetch("updates"), Prefetch("proposals")
    )
    return render(
        request,
        "participation/public_process.html",
        {
            "process": process,
            "phases": process.phases.all(),
            "active": process.active_phase(),
            "proposals": shown,
            "results": results,
            "result_statuses": Result.Status,
            "surveys": process.surveys.all(),
        },
    )


def proposals_geojson(request: HttpRequest) -> JsonResponse:
    """Children's proposals with a place that passed moderation, as points for the map of
    child-friendly places: the title and a link to the process's public page, nothing about the
    child."""
    shown = Proposal.objects.filter(status__in=PUBLIC_STATES, process__status__in=OPEN_OR_CLOSED).filter(
        Q(facility__isnull=False) | Q(latitude__isnull=False)
    )
    features = []
    for proposal in shown.select_related("facility"):
        place = proposal.facility
        lng, lat = (place.longitude, place.latitude) if place else (proposal.longitude, proposal.latitude)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {
                    "name": f"{proposal.title}（{proposal.get_status_display()}）",
                    "url": reverse("participation:public_process", args=[proposal.process_id]),
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


def facility_lines(facility: Any, user: Any) -> list[PanelLine]:
    """The children's proposals about a facility, on its page: public ones for everyone."""
    shown = Proposal.objects.filter(
        facility=facility, status__in=PUBLIC_STATES, process__status__in=OPEN_OR_CLOSED
    ).order_by("-created_at")[:20]
    return [
        PanelLine(
            str(p.title),
            str(p.get_answer_display() if p.status == Proposal.Status.PUBLISHED else p.get_status_display()),
            reverse("participation:public_process", args=[p.process_id]),
        )
        for p in shown
    ]


def public_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    """A proposal's photo, where the public may see it (else the same 404 as a photo that does
    not exist)."""
    proposal = get_object_or_404(Proposal.objects.select_related("participant__child"), pk=pk)
    photo = proposal.photos.filter(pk=photo_pk).first()
    if photo is None or not photos_public(proposal):
        raise Http404
    return HttpResponse(photo_bytes(photo), content_type=photo.content_type)
