"""Family-education guidance pages: reach by community with the survey's counts, the families to
visit and the visits' follow-ups, a family's page with the visit and survey forms, and the guidance
points. Thin: the rules live in visits.py, points.py and reach.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.community.models import Activity, Person
from tongyou.community.overview import activities_by_street
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import can, jurisdiction_path, require
from tongyou.core.views import attempt, posted_date, posted_int, posted_region
from tongyou.datahub.models import Household
from tongyou.privacy.masking import mask_address, mask_name
from tongyou.regions.models import Region
from tongyou.regions.tree import areas_within

from . import points, reach, visits
from .models import NEEDS, GuidancePoint, SurveyResponse, Visit

PAGE = 300


@login_required
def overview_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "guidance.view_reach")
    year = timezone.localdate().year
    rows, refusal, sessions = [], "", []
    try:
        rows = reach.reach(request.user, year)
        sessions = activities_by_street(request.user, Activity.Kind.PARENT_SCHOOL, year)
    except Refusal as exc:
        refusal = str(exc)
    record(
        AuditEntry.Action.STATISTICS, request=request, object_type="guidance.reach", details={"year": year}
    )
    return render(
        request,
        "guidance/overview.html",
        {
            "rows": rows,
            "sessions": sessions,
            "survey": reach.survey_summary(request.user, year),
            "refusal": refusal,
            "year": year,
            "note": disclosure.note(),
            "protected": disclosure.Policy.for_user(request.user).protected,
        },
    )


def _family(request: AuthenticatedRequest, pk: int) -> Household:
    path = jurisdiction_path(request.user) or "-"
    household = (
        Household.objects.filter(pk=pk, region__path__startswith=path).select_related("region").first()
    )
    if household is None or not can(request.user, "guidance.view_visit", household):
        raise Http404
    return household


def _children(household: Household) -> str:
    """The family's children, masked, eldest first (from `children` prefetched where a list shows
    many families)."""
    return "、".join(mask_name(c.name) for c in sorted(household.children.all(), key=lambda c: c.birth_date))


@login_required
def visits_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "guidance.view_visit")
    families = list(visits.to_visit(request.user).prefetch_related("children")[:PAGE])
    path = jurisdiction_path(request.user) or "-"
    pending = list(
        Visit.objects.filter(
            household__region__path__startswith=path,
            follow_up_done_on__isnull=True,
            follow_up_due__isnull=False,
        )
        .select_related("household__region")
        .order_by("follow_up_due")[:PAGE]
    )
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="guidance.Visit",
        details={"listed": len(families), "households": [h.pk for h in families]},
    )
    today = timezone.localdate()
    return render(
        request,
        "guidance/visits.html",
        {
            "families": [(h, _children(h)) for h in families],
            "pending": [(v, v.follow_up_due is not None and v.follow_up_due < today) for v in pending],
        },
    )


@login_required
def family_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "guidance.view_visit")
    household = _family(request, pk)
    record(AuditEntry.Action.READ, request=request, obj=household, details={"for": "guidance"})
    path = jurisdiction_path(request.user) or "-"
    return render(
        request,
        "guidance/family.html",
        {
            "household": household,
            "address": mask_address(household.address),
            "children": _children(household),
            "visits": Visit.objects.filter(household=household).select_related("visitor", "with_volunteer"),
            "purposes": Visit.Purpose.choices,
            "needs": NEEDS,
            "topics": [(code, label) for code, label in NEEDS if code in visits.TOPICS],
            # Volunteers of the whole district may go along (the pool is the district's).
            "volunteers": Person.objects.filter(
                status=Person.Status.ACTIVE,
                region__path__startswith="/" + path.strip("/").split("/")[0] + "/",
            )[:100],
            "helpful": SurveyResponse.Helpful.choices,
            "confidence": SurveyResponse.Confidence.choices,
            "answered": SurveyResponse.objects.filter(
                household=household, year=timezone.localdate().year
            ).exists(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def visit_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "guidance.add_visit")
    household = _family(request, pk)

    def run() -> Visit:
        volunteer = None
        if request.POST.get("volunteer"):
            volunteer = Person.objects.filter(pk=posted_int(request.POST["volunteer"])).first()
        return visits.record_visit(
            request.user,
            household,
            purpose=request.POST.get("purpose", ""),
            needs=request.POST.getlist("needs"),
            findings=request.POST.get("findings", ""),
            follow_up=request.POST.get("follow_up", ""),
            follow_up_due=posted_date(request.POST.get("follow_up_due", "")),
            volunteer=volunteer,
            on=posted_date(request.POST.get("visited_on", "")),
        )

    return attempt(request, run, _("The visit is recorded."), "guidance:family", pk)


@login_required
@require_POST
def survey(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "guidance.add_visit")
    household = _family(request, pk)
    return attempt(
        request,
        lambda: visits.answer_survey(
            request.user,
            household,
            request.POST.get("helpful", ""),
            request.POST.get("confidence", ""),
            request.POST.getlist("wants"),
        ),
        _("The family's answers are recorded; they are read only as counts."),
        "guidance:family",
        pk,
    )


@login_required
@require_POST
def follow_up_done(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "guidance.add_visit")
    visit = Visit.objects.filter(pk=pk).select_related("household").first()
    if visit is None:
        raise Http404
    household = _family(request, visit.household_id)
    return attempt(
        request,
        lambda: visits.follow_up_done(request.user, visit),
        _("The follow-up is done."),
        "guidance:family",
        household.pk,
    )


@login_required
def points_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "guidance.view_guidancepoint")
    path = jurisdiction_path(request.user) or "-"
    keeps = can(request.user, "guidance.change_guidancepoint")
    return render(
        request,
        "guidance/points.html",
        {
            "points": GuidancePoint.objects.filter(region__path__startswith=path).select_related("region"),
            "keeps": keeps,
            "kinds": GuidancePoint.Kind.choices,
            "hosts": GuidancePoint.Host.choices,
            "communities": [a for a in areas_within(path) if a.level == Region.Level.COMMUNITY]
            if keeps
            else [],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def point_new(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "guidance.change_guidancepoint")

    def run() -> GuidancePoint:
        region = posted_region(
            request.POST.get("region", ""), _("A guidance point serves a community: choose a community.")
        )
        return points.open_point(
            request.user,
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            host=request.POST.get("host", ""),
            region=region,
            opened_on=posted_date(request.POST.get("opened_on", "")),
        )

    return attempt(request, run, _("The guidance point is recorded."), "guidance:points")


@login_required
@require_POST
def point_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, "guidance.change_guidancepoint")
    path = jurisdiction_path(request.user) or "-"
    point = GuidancePoint.objects.filter(pk=pk, region__path__startswith=path).first()
    if point is None:
        raise Http404
    return attempt(
        request,
        lambda: points.close_point(request.user, point, posted_date(request.POST.get("closed_on", ""))),
        _("The guidance point is recorded as closed."),
        "guidance:points",
    )
