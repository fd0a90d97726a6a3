"""Rehabilitation assistance pages: the special register, a child's registration with the
application form, health's screening referral, applications with their steps and months of
service, institutions and standards, and coverage. Thin: the rules live in register.py,
assistance.py, institutions.py and coverage.py."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
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
from tongyou.core.views import attempt, posted_date, posted_int, posted_region, requested_year
from tongyou.datahub.services.filters import years_before
from tongyou.privacy.masking import mask_name, mask_phone
from tongyou.regions.tree import areas_within

from . import assistance, coverage, institutions, register
from .models import (
    LIVE,
    PRIORITY_AGE,
    AidKind,
    Application,
    Category,
    Institution,
    Registration,
    ServiceMonth,
    Standard,
    Status,
)

PAGE = 300


def age(birth: dt.date, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@login_required
def register_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "rehabilitation.view_registration")
    category = request.GET.get("category", "")
    priority = request.GET.get("priority") == "1"
    registrations = scoped(Registration.objects.all(), request.user).select_related(
        "child", "child__residence_region"
    )
    if category in Category.values:
        registrations = registrations.filter(category=category)
    if priority:
        registrations = registrations.filter(
            child__birth_date__gt=years_before(timezone.localdate(), PRIORITY_AGE + 1)
        )
    shown = list(registrations[:PAGE])
    live = {
        (a.registration_id): a
        for a in Application.objects.filter(registration__in=[r.pk for r in shown], status__in=LIVE)
    }
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="rehabilitation.Registration",
        details={"listed": len(shown), "ids": [r.child_id for r in shown]},
    )
    today = timezone.localdate()
    rows = [(r, mask_name(r.child.name), age(r.child.birth_date, today), live.get(r.pk)) for r in shown]
    return render(
        request,
        "rehabilitation/register.html",
        {
            "rows": rows,
            "categories": Category.choices,
            "category": category,
            "priority": priority,
            "priority_age": PRIORITY_AGE,
            "more": registrations.count() > PAGE,
        },
    )


@login_required
def registration_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    registration = get_scoped_or_404(
        Registration.objects.select_related("child", "child__residence_region", "referred_by"),
        request.user,
        pk=pk,
    )
    record(AuditEntry.Action.READ, request=request, obj=registration)
    applications = Application.objects.filter(registration=registration).select_related("institution")
    return render(
        request,
        "rehabilitation/registration.html",
        {
            "registration": registration,
            "name": mask_name(registration.child.name),
            "age": age(registration.child.birth_date),
            "applications": applications,
            "aid_kinds": AidKind.choices,
            "categories": Category.choices,
            "may_apply": can(request.user, "rehabilitation.add_application", registration),
            "may_assess": can(request.user, "rehabilitation.assess_registration", registration),
        },
    )


@login_required
@require_POST
def assess(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    registration = get_scoped_or_404(Registration.objects.all(), request.user, pk=pk)
    return attempt(
        request,
        lambda: register.assess(
            request.user,
            registration,
            request.POST.get("category", ""),
            request.POST.get("needs_rehabilitation") == "on",
        ),
        _("The assessment is recorded."),
        "rehabilitation:registration",
        pk,
    )


@login_required
@require_POST
def apply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    registration = get_scoped_or_404(Registration.objects.select_related("child"), request.user, pk=pk)
    return attempt(
        request,
        lambda: assistance.file(
            request.user,
            registration,
            request.POST.get("aid_kind", ""),
            request.POST.get("guardian_name", ""),
            request.POST.get("guardian_phone", ""),
            guardian_signed=request.POST.get("guardian_signed") == "on",
        ),
        _("The application is filed; the disability federation is told."),
        "rehabilitation:registration",
        pk,
    )


@login_required
def refer_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "rehabilitation.refer_child")
    if request.method == "POST":
        # POSTed, like every search by ID number: the number never reaches a log or a URL.
        child = register.child_for_id_number(request.user, request.POST.get("id_number", ""))
        try:
            registration = register.refer(
                request.user,
                child,
                request.POST.get("category", ""),
                posted_date(request.POST.get("screened_on", "")),
                request.POST.get("note", ""),
            )
        except Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("%(name)s is on the special register; the disability federation will follow up.")
                % {"name": mask_name(registration.child.name)},
            )
    return render(
        request,
        "rehabilitation/refer.html",
        {
            "categories": [c for c in Category.choices if c[0] != Category.OTHER],
            "today": timezone.localdate(),
        },
    )


@login_required
def applications_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "rehabilitation.view_application")
    status = request.GET.get("status", "submitted")
    applications = scoped(Application.objects.all(), request.user).select_related(
        "child", "child__residence_region", "registration", "institution"
    )
    if status in Status.values:
        applications = applications.filter(status=status)
    shown = list(applications.order_by("step_due", "-filed_on")[:PAGE])
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="rehabilitation.Application",
        details={"listed": len(shown), "ids": [a.child_id for a in shown]},
    )
    today = timezone.localdate()
    rows = [(a, mask_name(a.child.name), assistance.is_overdue(a, today)) for a in shown]
    return render(
        request,
        "rehabilitation/applications.html",
        {"rows": rows, "statuses": Status.choices, "status": status},
    )


@login_required
def application_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_scoped_or_404(
        Application.objects.select_related("child", "registration", "institution", "filed_by"),
        request.user,
        pk=pk,
    )
    record(AuditEntry.Action.READ, request=request, obj=application)
    settles = can(request.user, "rehabilitation.settle_servicemonth", application)
    candidates = []
    if "approve" in assistance.FLOW.allowed(application, request.user):
        candidates = [
            (i, taken)
            for i, taken in institutions.places_taken(
                Institution.objects.filter(
                    status=Institution.Status.DESIGNATED, designated_until__gte=timezone.localdate()
                )
            )
            if application.registration.category in i.categories and application.aid_kind in i.aid_kinds
        ]
    months = list(application.months.select_related("settled_by"))
    return render(
        request,
        "rehabilitation/application.html",
        {
            "application": application,
            "name": mask_name(application.child.name),
            "phone": mask_phone(application.guardian_phone) if application.guardian_phone else "",
            "actions": assistance.allowed(application, request.user),
            "candidates": candidates,
            "events": [
                (e, assistance.LABELS.get(e.action, _("Filed")))
                for e in application.events.select_related("actor")
            ],
            "months": months,
            "settles": settles,
            "overdue": assistance.is_overdue(application),
            "this_month": timezone.localdate().strftime("%Y-%m"),
        },
    )


@login_required
@require_POST
def act(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_scoped_or_404(Application.objects.all(), request.user, pk=pk)
    action = request.POST.get("action", "")

    def run() -> Application:
        chosen = None
        if action == "approve" and request.POST.get("institution"):
            chosen = Institution.objects.filter(pk=posted_int(request.POST["institution"])).first()
        return assistance.transition(
            application,
            action,
            request.user,
            request.POST.get("reason", ""),
            seen=request.POST.get("seen"),
            institution=chosen,
        )

    return attempt(
        request,
        run,
        lambda a: _("Done: the application is now '%(state)s'.") % {"state": a.get_status_display()},
        "rehabilitation:application",
        pk,
    )


def _posted_month(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip() + "-01")
    except ValueError:
        raise Refusal(_("Enter the month as YYYY-MM.")) from None


@login_required
@require_POST
def month_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = get_scoped_or_404(Application.objects.all(), request.user, pk=pk)
    require(request.user, "rehabilitation.settle_servicemonth", application)  # before reading the form
    return attempt(
        request,
        lambda: assistance.record_month(
            request.user,
            application,
            _posted_month(request.POST.get("month", "")),
            posted_int(request.POST.get("sessions", "")),
            request.POST.get("billed", ""),
        ),
        _("The month of service is recorded."),
        "rehabilitation:application",
        pk,
    )


@login_required
@require_POST
def settle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    service = get_scoped_or_404(
        ServiceMonth.objects.select_related("application"), request.user, "settle", pk=pk
    )
    return attempt(
        request,
        lambda: assistance.settle(request.user, service),
        lambda s: _("Settled: %(amount)s yuan.") % {"amount": s.settled},
        "rehabilitation:application",
        service.application_id,
    )


@login_required
def institutions_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "rehabilitation.view_institution")
    rows = institutions.places_taken(Institution.objects.select_related("region"))
    editing = None
    if request.GET.get("edit"):
        editing = Institution.objects.filter(pk=posted_int(request.GET["edit"])).first()
    keeps = can(request.user, "rehabilitation.change_institution")
    return render(
        request,
        "rehabilitation/institutions.html",
        {
            "rows": rows,
            "keeps": keeps,
            "editing": editing,
            "categories": [c for c in Category.choices if c[0] != Category.OTHER],
            "aid_kinds": AidKind.choices,
            "statuses": Institution.Status.choices,
            "areas": areas_within(request.user.jurisdiction.path if request.user.jurisdiction else None)
            if keeps
            else [],
            "standards": Standard.objects.all()[:30],
            "year": timezone.localdate().year,
        },
    )


@login_required
@require_POST
def institution_save(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "rehabilitation.change_institution")

    def save() -> Institution:
        existing = None
        if request.POST.get("pk"):
            existing = Institution.objects.filter(pk=posted_int(request.POST["pk"])).first()
        region = posted_region(request.POST.get("region", ""), _("Choose the area the institution is in."))
        return institutions.save_institution(
            request.user,
            name=request.POST.get("name", ""),
            region=region,
            categories=request.POST.getlist("categories"),
            aid_kinds=request.POST.getlist("aid_kinds"),
            capacity=posted_int(request.POST.get("capacity", "")),
            designated_until=posted_date(request.POST.get("designated_until", "")),
            credit_code=request.POST.get("credit_code", ""),
            phone=request.POST.get("phone", ""),
            status=request.POST.get("status", Institution.Status.DESIGNATED),
            institution=existing,
        )

    return attempt(request, save, _("The institution is saved."), "rehabilitation:institutions")


@login_required
@require_POST
def standard_save(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "rehabilitation.change_standard")
    return attempt(
        request,
        lambda: assistance.set_standard(
            request.user,
            posted_int(request.POST.get("year", "")),
            request.POST.get("aid_kind", ""),
            request.POST.get("annual_amount", ""),
        ),
        _("The standard is saved."),
        "rehabilitation:institutions",
    )


@login_required
def coverage_page(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, "rehabilitation.view_coverage")
    year = requested_year(request)
    table, refusal = None, ""
    try:
        table = coverage.coverage(request.user, year)
    except Refusal as exc:
        refusal = str(exc)
    record(
        AuditEntry.Action.STATISTICS,
        request=request,
        object_type="rehabilitation.coverage",
        details={"year": year},
    )
    return render(
        request,
        "rehabilitation/coverage.html",
        {
            "table": table,
            "refusal": refusal,
            "year": year,
            "note": disclosure.note(),
            "priority_age": PRIORITY_AGE,
        },
    )
