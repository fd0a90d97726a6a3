"""Talent pool and activity pages: thin; the rules live in people.py and activities.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.documents import FontMissing
from tongyou.core.errors import Refusal
from tongyou.core.exports import download
from tongyou.core.requests import AuthenticatedRequest
from tongyou.core.scoping import get_scoped_or_404, require, scoped
from tongyou.core.views import attempt, posted_date, posted_int
from tongyou.datahub.services.search import ID_LIKE, search_children
from tongyou.privacy.masking import mask_id_number, mask_name, mask_phone
from tongyou.regions.models import Region
from tongyou.regions.tree import areas_within

from . import activities, assessment, overview, people
from .certificates import certificate_pdf
from .exports import volunteers_workbook
from .models import Activity, BackgroundCheck, Organisation, Person, ServiceHours, SignUp

FACES = ("😢", "🙁", "😐", "🙂", "😄")  # the five faces on the children's cards, 1 to 5


def _when(value: str) -> dt.datetime:
    try:
        return timezone.make_aware(dt.datetime.fromisoformat(value))
    except ValueError:
        raise Refusal(_("Enter the date and time, such as 2026-12-05 09:30.")) from None


def _areas(request: AuthenticatedRequest) -> list[Region]:
    return areas_within(request.user.jurisdiction.path if request.user.jurisdiction else None)


def _area(request: AuthenticatedRequest) -> Region:
    region = Region.objects.filter(pk=posted_int(request.POST.get("region", ""))).first()
    if region is None:
        raise Refusal(_("Choose the area."))
    return region


def _check_state(person: Person, today: dt.date) -> tuple[str, BackgroundCheck | None]:
    latest = person.checks.all()[:1]
    check = latest[0] if latest else None
    if check is None:
        return "none", None
    if check.result != BackgroundCheck.Result.PASSED:
        return "failed", check
    if check.next_due < today:
        return "expired", check
    if check.next_due <= today + dt.timedelta(days=people.WARN_DAYS):
        return "expiring", check
    return "valid", check


@login_required
def people_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "community.view_person")
    kind = request.GET.get("kind", "")
    persons = scoped(Person.objects.all(), request.user).select_related("region").prefetch_related("checks")
    if kind in Person.Kind.values:
        persons = persons.filter(kind=kind)
    today = timezone.localdate()
    listed = list(persons.order_by("-pk")[:500])
    hours = activities.confirmed_hours_by_person(p.pk for p in listed)
    rows = [(p, mask_name(p.name), *_check_state(p, today), hours.get(p.pk, Decimal("0"))) for p in listed]
    record(
        AuditEntry.Action.LIST, request=request, object_type="community.Person", details={"listed": len(rows)}
    )
    return render(
        request,
        "community/people.html",
        {
            "rows": [(*row, activities.stars(row[-1])) for row in rows],
            "kind": kind,
            "kinds": Person.Kind.choices,
            "sources": Person.Source.choices,
            "areas": _areas(request),
        },
    )


@login_required
@require_POST
def person_new(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "community.manage_person")
    return attempt(
        request,
        lambda: people.register_person(
            request.user,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
            id_number=request.POST.get("id_number", ""),
            region=_area(request),
            phone=request.POST.get("phone", "").strip()[:20],
            source=request.POST.get("source", "")
            if request.POST.get("source") in Person.Source.values
            else "",
            skills=request.POST.get("skills", "").strip()[:200],
            guardian_consent_on=posted_date(request.POST.get("guardian_consent_on", "")),
        ),
        _("The person is added to the pool; record their background check before they work with children."),
        "community:people",
    )


@login_required
def person_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_scoped_or_404(Person.objects.select_related("region"), request.user, pk=pk)
    record(AuditEntry.Action.READ, request=request, obj=person)
    today = timezone.localdate()
    state, check = _check_state(person, today)
    hours = activities.confirmed_hours(person)
    return render(
        request,
        "community/person.html",
        {
            "person": person,
            "masked_id": mask_id_number(person.id_number),
            "masked_phone": mask_phone(person.phone),
            "state": state,
            "check": check,
            "checks": person.checks.all(),
            "appointments": person.appointments.all(),
            "assignments": person.assignments.select_related("activity").order_by("-activity__starts_at"),
            "hours": hours,
            "stars": activities.stars(hours),
            "results": BackgroundCheck.Result.choices,
            "statuses": Person.Status.choices,
            "today": today.isoformat(),
            "ratings": person.ratings.order_by("-year"),
            "year": today.year,
        },
    )


@login_required
@require_POST
def person_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_scoped_or_404(Person.objects.all(), request.user, pk=pk)
    action = request.POST.get("action", "")
    post = request.POST

    def act() -> object:
        if action == "check":
            return people.record_check(
                request.user,
                person,
                checked_on=posted_date(post.get("checked_on", "")) or timezone.localdate(),
                queried_by=post.get("queried_by", ""),
                result=post.get("result", ""),
            )
        if action == "train":
            return people.train(request.user, person, post.get("certificate", ""))
        if action == "appoint":
            start, end = posted_date(post.get("term_start", "")), posted_date(post.get("term_end", ""))
            if start is None or end is None:
                raise Refusal(_("Enter the term's first and last day."))
            return people.appoint(
                request.user,
                person,
                appointed_by=post.get("appointed_by", ""),
                letter_number=post.get("letter_number", ""),
                term_start=start,
                term_end=end,
                schools=post.get("schools", ""),
            )
        if action == "rate":
            return assessment.rate(
                request.user,
                person,
                year=posted_int(post.get("year", "")),
                school=post.get("school", ""),
                score=posted_int(post.get("score", "")),
            )
        if action == "status":
            return people.change_status(
                request.user,
                person,
                post.get("to", ""),
                reason=post.get("reason", ""),
                seen=post.get("seen") or None,
            )
        raise Refusal(_("Unknown action."))

    return attempt(request, act, _("Saved."), "community:person", pk=pk)


@login_required
def certificate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = get_scoped_or_404(Person.objects.all(), request.user, pk=pk)
    try:
        content = certificate_pdf(person, request.user)
    except FontMissing as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    record(AuditEntry.Action.EXPORT, request=request, obj=person, details={"document": "service certificate"})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{person.pk}.pdf"'
    return response


@login_required
def activities_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "community.view_activity")
    listed = scoped(Activity.objects.all(), request.user).select_related("region")[:300]
    return render(
        request,
        "community/activities.html",
        {"activities": listed, "kinds": Activity.Kind.choices, "areas": _areas(request)},
    )


@login_required
@require_POST
def activity_new(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "community.manage_activity")
    post = request.POST
    return attempt(
        request,
        lambda: activities.create_activity(
            request.user,
            title=post.get("title", ""),
            kind=post.get("kind", ""),
            region=_area(request),
            place=post.get("place", ""),
            starts_at=_when(post.get("starts_at", "")),
            ends_at=_when(post.get("ends_at", "")),
            capacity=posted_int(post.get("capacity", "")),
            age_min=posted_int(post.get("age_min", "0") or "0"),
            age_max=posted_int(post.get("age_max", "17") or "17"),
            suits_minors=post.get("suits_minors") == "on",
        ),
        _("The activity is created."),
        "community:activities",
    )


@login_required
def activity_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = get_scoped_or_404(Activity.objects.select_related("region"), request.user, pk=pk)
    staff = list(activity.staff.select_related("person"))
    hours = {h.assignment_id: h for h in ServiceHours.objects.filter(activity=activity)}
    signups = list(activity.signups.select_related("child"))
    record(
        AuditEntry.Action.READ,
        request=request,
        obj=activity,
        details={"children": [s.child_id for s in signups]},
    )
    candidates = scoped(Person.objects.filter(status=Person.Status.ACTIVE), request.user)
    counts = dict(activity.feedback.values_list("face", "count"))
    return render(
        request,
        "community/activity.html",
        {
            "activity": activity,
            "staff": [(a, mask_name(a.person.name), hours.get(a.pk)) for a in staff],
            "signups": [(s, mask_name(s.child.name)) for s in signups],
            "candidates": [(p, mask_name(p.name)) for p in candidates],
            "places_left": max(activity.capacity - len(signups), 0),
            "faces": [(symbol, counts.get(face, 0)) for face, symbol in enumerate(FACES, start=1)],
        },
    )


@login_required
@require_POST
def activity_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = get_scoped_or_404(Activity.objects.all(), request.user, pk=pk)
    action = request.POST.get("action", "")
    post = request.POST

    def act() -> object:
        if action == "assign":
            person = get_scoped_or_404(
                Person.objects.all(), request.user, pk=posted_int(post.get("person", ""))
            )
            return activities.assign(request.user, activity, person, post.get("task", ""))
        if action == "sign_up":
            number = post.get("id_number", "").strip().upper()
            child = search_children(request.user, number).first() if ID_LIKE.match(number) else None
            if child is None:
                raise Refusal(_("No child with this ID number in the index of your area."))
            return activities.sign_up(
                request.user, activity, child, posted_int(post.get("family_members", "0") or "0")
            )
        if action == "attendance":
            present = {posted_int(v) for v in post.getlist("present")}
            ids = SignUp.objects.filter(activity=activity).values_list("pk", flat=True)
            return activities.mark_attendance(request.user, activity, {pk: pk in present for pk in ids})
        if action == "hours":
            assignment = activity.staff.filter(pk=posted_int(post.get("assignment", ""))).first()
            if assignment is None:
                raise Refusal(_("Choose the person."))
            return activities.record_hours(request.user, assignment, post.get("hours", ""))
        if action == "feedback":
            counts = {face: posted_int(post.get(f"face{face}", "0") or "0") for face in range(1, 6)}
            return assessment.record_feedback(request.user, activity, counts)
        if action == "confirm":
            entry = ServiceHours.objects.filter(
                activity=activity, pk=posted_int(post.get("entry", ""))
            ).first()
            if entry is None:
                raise Refusal(_("Choose the hours to confirm."))
            return activities.confirm_hours(request.user, entry)
        raise Refusal(_("Unknown action."))

    return attempt(request, act, _("Saved."), "community:activity", pk=pk)


@login_required
def organisations_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "community.view_organisation")
    listed = scoped(Organisation.objects.all(), request.user).select_related("region")
    return render(
        request, "community/organisations.html", {"organisations": listed, "areas": _areas(request)}
    )


@login_required
@require_POST
def organisation_new(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "community.manage_organisation")
    post = request.POST
    return attempt(
        request,
        lambda: people.register_organisation(
            request.user,
            name=post.get("name", ""),
            credit_code=post.get("credit_code", ""),
            registered_with=post.get("registered_with", ""),
            region=_area(request),
            domains=post.get("domains", "").strip()[:200],
            contact_name=post.get("contact_name", "").strip()[:50],
            contact_phone=post.get("contact_phone", "").strip()[:20],
        ),
        _("The organisation is registered."),
        "community:organisations",
    )


@login_required
def overview_page(request: AuthenticatedRequest) -> HttpResponse:
    flagged = overview.flags(request.user)
    reach = overview.reach_by_street(request.user)
    this_year = timezone.localdate().year
    try:
        year = min(max(int(request.GET.get("year") or this_year), this_year - 10), this_year)
    except ValueError:
        year = this_year
    assessed = assessment.assess(request.user, year)
    record(
        AuditEntry.Action.STATISTICS,
        request=request,
        object_type="community.overview",
        details={"year": year},
    )
    return render(
        request,
        "community/overview.html",
        {
            "flagged": [(f, mask_name(f.person.name)) for f in flagged],
            "reach": reach,
            "assessed": [(a, mask_name(a.person.name)) for a in assessed],
            "schools": overview.by_school(request.user),
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
        },
    )


@login_required
def volunteers_export(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "community.manage_person")
    persons = scoped(Person.objects.filter(kind=Person.Kind.VOLUNTEER), request.user).order_by("pk")
    content = volunteers_workbook(persons, request.user)
    record(
        AuditEntry.Action.EXPORT,
        request=request,
        object_type="community.Person",
        details={"format": "national volunteer system", "rows": persons.count()},
    )
    return download(content, f"volunteers-{timezone.localdate():%Y%m%d}.xlsx")
