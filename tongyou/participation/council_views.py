"""Councils' pages: the list, a council with its seats, sessions and training, and a member's
letter of appointment (聘书) to print."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import can, require
from tongyou.core.views import attempt
from tongyou.datahub.services.search import ID_LIKE, search_children

from . import councils
from .models import Council, CouncilMember, Training
from .views import _regions_for


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Refusal(_("Give the date as year-month-day.")) from exc


@login_required
def council_list(request: AuthenticatedRequest) -> HttpResponse:
    if not can(request.user, "participation.view_council") and not can(
        request.user, "participation.add_participant"
    ):
        raise PermissionDenied
    if request.method == "POST":
        region = _regions_for(request.user).filter(pk=request.POST.get("region") or 0).first()
        try:
            if region is None:
                raise Refusal(_("Choose the council's area."))
            council = councils.create_council(
                request.user,
                name=request.POST.get("name", ""),
                region=region,
                founded_on=_date(request.POST.get("founded_on", "")),
                term_years=int(request.POST.get("term_years") or 3),
                age_limit=int(request.POST.get("age_limit") or 15),
            )
        except (Refusal, ValueError) as refusal:
            messages.error(
                request,
                str(refusal) if isinstance(refusal, Refusal) else _("Give numbers for the term and age."),
            )
        else:
            messages.success(request, _("The council is created."))
            return redirect("participation:council", pk=council.pk)
    rows = councils.councils_for(request.user)
    return render(
        request,
        "participation/council_list.html",
        {
            "councils": rows,
            "regions": _regions_for(request.user),
            "may_create": can(request.user, "participation.manage_process"),
        },
    )


def _council(request: AuthenticatedRequest, pk: int) -> Council:
    council = councils.councils_for(request.user).filter(pk=pk).first()
    if council is None or not can(request.user, "participation.view_council", council):
        raise Http404
    return council


@login_required
def council_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    council = _council(request, pk)
    manages = can(request.user, "participation.manage_process", council)
    record(AuditEntry.Action.READ, request=request, obj=council)
    return render(
        request,
        "participation/council_detail.html",
        {
            "council": council,
            "sitting": council.members.filter(left_on__isnull=True),
            "former": council.members.filter(left_on__isnull=False),
            "sessions": council.sessions.prefetch_related("attendees", "proposals") if manages else [],
            "trainings": Training.objects.filter(attendees__council=council).distinct() if manages else [],
            "manages": manages,
            "may_seat": councils.may_seat(request.user, council),
            "chosen": CouncilMember.ChosenBy.choices,
            "roles": CouncilMember.Role.choices,
            "reasons": [c for c in CouncilMember.Left.choices if c[0] in ("resigned", "consent")],
        },
    )


@login_required
@require_POST
def council_appoint(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    council = _council(request, pk)

    def appoint() -> None:
        id_number = request.POST.get("id_number", "").strip().upper()
        child = search_children(request.user, id_number).first() if ID_LIKE.match(id_number) else None
        if child is None:
            raise Refusal(_("No child with this ID number in the index of your area."))
        councils.appoint(
            request.user,
            council,
            child,
            chosen_by=request.POST.get("chosen_by", ""),
            display_name=request.POST.get("display_name", ""),
            grade=request.POST.get("grade", ""),
            role=request.POST.get("role", CouncilMember.Role.MEMBER),
        )

    return attempt(
        request,
        appoint,
        _("The child is appointed; print the letter of appointment."),
        "participation:council",
        pk=pk,
    )


@login_required
@require_POST
def council_end_seat(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    council = _council(request, pk)
    require(request.user, "participation.manage_process", council)

    def end() -> None:
        member = council.members.filter(pk=request.POST.get("member") or 0).first()
        if member is None:
            raise Refusal(_("Choose the member whose seat ends."))
        councils.end_seat(member, request.user, request.POST.get("reason", ""))

    return attempt(
        request,
        end,
        _("The seat has ended."),
        "participation:council",
        pk=pk,
    )


@login_required
@require_POST
def council_session(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    council = _council(request, pk)
    require(request.user, "participation.manage_process", council)

    def record_it() -> None:
        present = council.members.filter(pk__in=[p for p in request.POST.getlist("present") if p.isdigit()])
        councils.record_session(
            request.user,
            council,
            held_on=_date(request.POST.get("held_on", "")),
            agenda=request.POST.get("agenda", ""),
            minutes=request.POST.get("minutes", ""),
            place=request.POST.get("place", ""),
            attendees=present,
        )

    return attempt(request, record_it, _("The session is recorded."), "participation:council", pk=pk)


@login_required
@require_POST
def council_training(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    council = _council(request, pk)
    require(request.user, "participation.manage_process", council)

    def record_it() -> None:
        try:
            hours = Decimal(request.POST.get("hours", ""))
        except InvalidOperation as exc:
            raise Refusal(_("Give the training's title and its length in hours.")) from exc
        present = council.members.filter(pk__in=[p for p in request.POST.getlist("present") if p.isdigit()])
        councils.record_training(
            request.user,
            council.region,
            title=request.POST.get("title", ""),
            held_on=_date(request.POST.get("held_on", "")),
            hours=hours,
            provider=request.POST.get("provider", ""),
            attendees=present,
        )

    return attempt(request, record_it, _("The training is recorded."), "participation:council", pk=pk)


@login_required
def council_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The letter of appointment, to print: it carries the child's full name, so only those who
    read the index where the child lives open it."""
    member = CouncilMember.objects.select_related("council__region", "child").filter(pk=pk).first()
    if member is None:
        raise Http404
    require(request.user, "participation.add_participant", member.child)
    record(AuditEntry.Action.READ, request=request, obj=member, details={"letter": True})
    return render(request, "participation/council_letter.html", {"member": member})
