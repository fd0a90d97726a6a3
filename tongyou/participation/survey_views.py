"""Surveys: staff create them and enter paper forms; children answer with their code; results
are shown to staff and the public as protected aggregates."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import can, get_scoped_or_404
from tongyou.core.views import attempt
from tongyou.datahub.services.search import ID_LIKE, search_children

from . import surveys
from .child_views import _participant
from .models import Process, Survey
from .views import _process


def _choices(post: Mapping[str, object], survey: Survey) -> dict[int, list[int]]:
    """{question id: [option ids]} from a form whose fields are named q<question id>."""
    picked: dict[int, list[int]] = {}
    for question in survey.questions.all():
        values = post.getlist(f"q{question.pk}") if hasattr(post, "getlist") else []
        picked[question.pk] = [int(v) for v in values if str(v).isdigit()]
    return picked


@login_required
@require_POST
def survey_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    process = _process(request, pk)
    return attempt(
        request,
        lambda: surveys.create_survey(
            request.user,
            process,
            title=request.POST.get("title", ""),
            intro=request.POST.get("intro", ""),
            questions=request.POST.get("questions", ""),
        ),
        _("The survey is created."),
        "participation:process",
        pk=pk,
    )


@login_required
def survey_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Results (protected unless the user reads the children's records) and the paper form."""
    survey = get_scoped_or_404(Survey.objects.select_related("process"), request.user, pk=pk)
    policy = disclosure.Policy.for_user(request.user)
    if request.method == "POST":
        try:
            id_number = request.POST.get("id_number", "").strip().upper()
            child = search_children(request.user, id_number).first() if ID_LIKE.match(id_number) else None
            if child is None:
                raise Refusal(_("No child with this ID number in the index of your area."))
            surveys.answer_on_paper(request.user, survey, child, _choices(request.POST, survey))
        except Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The paper form is entered."))
        return redirect("participation:survey", pk=pk)
    total, shown = surveys.results(survey, policy)
    record(AuditEntry.Action.STATISTICS, request=request, obj=survey, details={"exact": policy.exact})
    return render(
        request,
        "participation/survey_detail.html",
        {
            "survey": survey,
            "total": total,
            "results": shown,
            "protected": policy.protected,
            "note": disclosure.note(),
            "may_enter": can(request.user, "participation.add_participant"),
            "questions": survey.questions.prefetch_related("options"),
        },
    )


def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A child answers with their code; once."""
    participant = _participant(request)
    if participant is None:
        return redirect("participation:join")
    survey = get_object_or_404(Survey, pk=pk, process=participant.process)
    if request.method == "POST":
        try:
            surveys.answer_online(participant, survey, _choices(request.POST, survey))
        except Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Thank you for your answers!"))
            return redirect("participation:mine")
    return render(
        request,
        "participation/survey_answer.html",
        {"survey": survey, "questions": survey.questions.prefetch_related("options")},
    )


def survey_public(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.exclude(process__status=Process.Status.DRAFT), pk=pk)
    total, shown = surveys.results(survey, disclosure.PROTECTED)
    return render(
        request,
        "participation/survey_public.html",
        {"survey": survey, "total": total, "results": shown, "note": disclosure.note()},
    )
