"""萌阅 pages: coverage for the office and streets, the children to reach for community child
directors, handing a pack over (from the list, or by ID number at a clinic or kindergarten),
pick-up points with their stock, and the milestones the office sets. Thin: the rules live in
entitlements.py, deliveries.py and coverage.py."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import can, get_scoped_or_404, require, scoped
from tongyou.core.views import attempt, posted_date, posted_int
from tongyou.datahub.services.search import ID_LIKE, search_children
from tongyou.privacy.masking import mask_name
from tongyou.regions.models import Region
from tongyou.regions.tree import areas_within

from . import coverage, deliveries
from .models import (
    Attempt,
    Delivery,
    Departure,
    Entitlement,
    Loan,
    Milestone,
    ParentSurvey,
    PickupPoint,
    Stock,
    Variant,
)
from .services import due_for_id_number, points_for

PAGE = 200  # children listed at once: a community has a few dozen due at a time


def _choices(request: AuthenticatedRequest) -> dict:
    return {
        "points": points_for(request.user),
        "channels": Delivery.Channel.choices,
        "variants": Variant.choices,
        "reasons": Attempt.Reason.choices,
        "today": timezone.localdate().isoformat(),
    }


@login_required
def coverage_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "reading.view_coverage")
    cut = request.GET.get("cut", "milestone")
    table, refusal = None, ""
    try:
        table = coverage.coverage(request.user, cut=cut)
    except Refusal as exc:
        refusal = str(exc)
    waves, survey = coverage.survey_summary(request.user)
    record(
        AuditEntry.Action.STATISTICS, request=request, object_type="reading.coverage", details={"cut": cut}
    )
    return render(
        request,
        "reading/coverage.html",
        {
            "table": table,
            "refusal": refusal,
            "cut": cut,
            "note": disclosure.note(),
            "waves": waves,
            "survey": survey,
        },
    )


@login_required
def unreached_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "reading.view_entitlement")
    due = list(coverage.unreached(request.user)[:PAGE])
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="reading.Entitlement",
        details={"listed": len(due), "ids": [e.child_id for e in due]},
    )
    last_reason = {
        a.entitlement_id: a
        for a in Attempt.objects.filter(entitlement__in=[e.pk for e in due]).order_by("recorded_at")
    }
    rows = [(e, last_reason.get(e.pk)) for e in due]
    open_departures = Departure.objects.filter(returned_on__isnull=True).select_related("child")
    departures = scoped(open_departures, request.user).order_by("-left_on")[:PAGE]
    return render(
        request,
        "reading/unreached.html",
        {"rows": rows, "departures": [(d, mask_name(d.child.name)) for d in departures], **_choices(request)},
    )


@login_required
def find_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "reading.deliver_entitlement")
    # POSTed, like every search by ID number: the number never reaches an access log, the
    # browser's history or a Referer (docs/security.md); one typed into the address is ignored.
    id_number = request.POST.get("id_number", "").strip() if request.method == "POST" else ""
    found = list(due_for_id_number(request.user, id_number)) if id_number else []
    if id_number:
        record(
            AuditEntry.Action.LIST,
            request=request,
            object_type="reading.Entitlement",
            details={"by": "id_number", "found": [e.child_id for e in found]},
        )
    rows = [(e, mask_name(e.child.name)) for e in found]
    return render(
        request,
        "reading/find.html",
        {"id_number": id_number, "rows": rows, "searched": bool(id_number), **_choices(request)},
    )


@login_required
@require_POST
def deliver(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entitlement = get_scoped_or_404(Entitlement.objects.all(), request.user, "deliver", pk=pk)
    then = "reading:find" if request.POST.get("from") == "find" else "reading:unreached"

    def give() -> Delivery:
        point = get_scoped_or_404(
            PickupPoint.objects.filter(active=True),
            request.user,
            pk=posted_int(request.POST.get("point", "")),
        )
        return deliveries.deliver(
            request.user,
            entitlement,
            point=point,
            channel=request.POST.get("channel", ""),
            variant=request.POST.get("variant", Variant.STANDARD),
            given_on=posted_date(request.POST.get("given_on", "")),
            guardian_confirmed=request.POST.get("guardian_confirmed") == "on",
        )

    return attempt(request, give, _("The pack is recorded as delivered."), then)


@login_required
@require_POST
def not_delivered(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entitlement = get_scoped_or_404(Entitlement.objects.all(), request.user, "deliver", pk=pk)
    return attempt(
        request,
        lambda: deliveries.not_delivered(
            request.user, entitlement, request.POST.get("reason", ""), request.POST.get("note", "")
        ),
        _("Recorded; the child stays on the list."),
        "reading:unreached",
    )


@login_required
def points_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "reading.view_pickuppoint")
    points = list(scoped(PickupPoint.objects.all(), request.user).select_related("region", "facility"))
    stock: dict[int, list[Stock]] = {}
    for row in (
        Stock.objects.filter(point__in=points)
        .select_related("milestone")
        .order_by("milestone__age_from_months")
    ):
        stock.setdefault(row.point_id, []).append(row)
    areas = []
    if can(request.user, "reading.manage_pickuppoint"):
        areas = areas_within(request.user.jurisdiction.path if request.user.jurisdiction else None)
    return render(
        request,
        "reading/points.html",
        {
            "rows": [(p, stock.get(p.pk, [])) for p in points],
            "milestones": Milestone.objects.filter(active=True),
            "variants": Variant.choices,
            "kinds": PickupPoint.Kind.choices,
            "areas": areas,
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_POST
def point_new(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "reading.manage_pickuppoint")

    def create() -> PickupPoint:
        name = request.POST.get("name", "").strip()[:100]
        kind = request.POST.get("kind", "")
        if not name or kind not in PickupPoint.Kind.values:
            raise Refusal(_("Give the point a name and a kind."))
        region = Region.objects.filter(pk=posted_int(request.POST.get("region", ""))).first()
        if region is None:
            raise Refusal(_("Choose the area the point serves."))
        point = PickupPoint(name=name, kind=kind, region=region)  # in the user's area: the rule below
        require(request.user, "reading.manage_pickuppoint", point)
        point.save()
        record(AuditEntry.Action.CREATE, request=request, obj=point)
        return point

    return attempt(request, create, _("The pick-up point is added."), "reading:points")


@login_required
@require_POST
def receive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    point = get_scoped_or_404(PickupPoint.objects.all(), request.user, pk=pk)

    def add() -> object:
        milestone = Milestone.objects.filter(
            pk=posted_int(request.POST.get("milestone", "")), active=True
        ).first()
        if milestone is None:
            raise Refusal(_("Choose the milestone."))
        return deliveries.receive(
            request.user,
            point,
            milestone,
            request.POST.get("variant", ""),
            posted_int(request.POST.get("quantity", "")),
            posted_date(request.POST.get("received_on", "")),
            request.POST.get("note", ""),
        )

    return attempt(request, add, _("The packs are added to the stock."), "reading:points")


@login_required
def milestones_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "reading.manage_milestone")
    return render(request, "reading/milestones.html", {"milestones": Milestone.objects.all()})


@login_required
@require_POST
def milestone_new(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "reading.manage_milestone")

    def create() -> Milestone:
        name = request.POST.get("name", "").strip()[:50]
        start, end = (
            posted_int(request.POST.get("age_from_months", "")),
            posted_int(request.POST.get("age_to_months", "")),
        )
        if not name:
            raise Refusal(_("Give the milestone a name."))
        if not 0 <= start < end <= 84:
            raise Refusal(
                _("The ages must run from a younger to an older age within 0–84 months (0–6 years).")
            )
        if Milestone.objects.filter(name=name).exists():
            raise Refusal(_("A milestone of this name exists already."))
        milestone = Milestone.objects.create(
            name=name,
            age_from_months=start,
            age_to_months=end,
            contents=request.POST.get("contents", "")[:2000],
        )
        record(AuditEntry.Action.CREATE, request=request, obj=milestone)
        return milestone

    return attempt(
        request,
        create,
        _("The milestone is added; children of its age are entitled tonight."),
        "reading:milestones",
    )


@login_required
def surveys_page(request: AuthenticatedRequest) -> HttpResponse:
    """Families to ask: at the pack's delivery, and again three months on."""
    require(request.user, "reading.view_delivery")
    today = timezone.localdate()
    delivered = (
        scoped(Delivery.objects.all(), request.user)
        .select_related("entitlement__child", "entitlement__milestone")
        .prefetch_related("surveys")
        .order_by("given_on")
    )
    due = []
    for delivery in delivered[: PAGE * 5]:
        waves = {answer.wave for answer in delivery.surveys.all()}
        if ParentSurvey.Wave.AT_DELIVERY not in waves:
            due.append((delivery, ParentSurvey.Wave.AT_DELIVERY))
        if ParentSurvey.Wave.THREE_MONTHS not in waves and delivery.given_on <= today - dt.timedelta(
            days=deliveries.SURVEY_AFTER_DAYS
        ):
            due.append((delivery, ParentSurvey.Wave.THREE_MONTHS))
    due = due[:PAGE]
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="reading.ParentSurvey",
        details={"listed": len(due), "ids": [d.entitlement.child_id for d, _wave in due]},
    )
    return render(
        request,
        "reading/surveys.html",
        {
            "due": [(d, wave, ParentSurvey.Wave(wave).label) for d, wave in due],
            "frequencies": ParentSurvey.Frequency.choices,
            "books": ParentSurvey.Books.choices,
        },
    )


@login_required
@require_POST
def survey(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delivery = get_scoped_or_404(Delivery.objects.select_related("entitlement"), request.user, pk=pk)
    return attempt(
        request,
        lambda: deliveries.record_survey(
            request.user,
            delivery,
            wave=request.POST.get("wave", ""),
            shared_reading=request.POST.get("shared_reading", ""),
            books_at_home=request.POST.get("books_at_home", ""),
            library_member=request.POST.get("library_member") == "on",
        ),
        _("The family's answers are recorded."),
        "reading:surveys",
    )


@login_required
def loans_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    point = get_scoped_or_404(PickupPoint.objects.all(), request.user, pk=pk)
    loans = list(point.loans.filter(returned_on__isnull=True).select_related("child"))
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="reading.Loan",
        details={"point": point.pk, "ids": [loan.child_id for loan in loans]},
    )
    return render(
        request,
        "reading/loans.html",
        {
            "point": point,
            "loans": [(loan, mask_name(loan.child.name)) for loan in loans],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def lend(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    point = get_scoped_or_404(PickupPoint.objects.all(), request.user, pk=pk)

    def act() -> object:
        number = request.POST.get("id_number", "").strip().upper()
        child = search_children(request.user, number).first() if ID_LIKE.match(number) else None
        if child is None:
            raise Refusal(_("No child with this ID number in the index of your area."))
        return deliveries.lend(request.user, point, child, request.POST.get("copy", ""))

    return attempt(request, act, _("The copy is lent for two weeks."), "reading:loans", pk=pk)


@login_required
@require_POST
def loan_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    loan = get_scoped_or_404(Loan.objects.select_related("point"), request.user, pk=pk)
    return attempt(
        request,
        lambda: deliveries.give_back(request.user, loan),
        _("The copy is back."),
        "reading:loans",
        pk=loan.point_id,
    )


@login_required
@require_POST
def left_district(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entitlement = get_scoped_or_404(Entitlement.objects.select_related("child"), request.user, pk=pk)
    return attempt(
        request,
        lambda: deliveries.left_district(
            request.user, entitlement.child, posted_date(request.POST.get("left_on", ""))
        ),
        _("Recorded: the child's packs are closed."),
        "reading:unreached",
    )


@login_required
@require_POST
def came_back(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    departure = get_scoped_or_404(Departure.objects.select_related("child"), request.user, pk=pk)
    return attempt(
        request,
        lambda: deliveries.came_back(request.user, departure),
        _("The child's packs are due again."),
        "reading:unreached",
    )
