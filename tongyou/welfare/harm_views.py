"""Harm reports: the public form (no login, rate-limited), the staff intake, the handling pages."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.ratelimit import ratelimit
from tongyou.core.scoping import can, get_scoped_or_404, require, scoped
from tongyou.core.views import attempt
from tongyou.privacy.idnumbers import validate_id_number
from tongyou.privacy.masking import mask_name, mask_phone
from tongyou.regions.models import Region

from . import harm
from .models import HarmReport, HarmSituation


class ReportForm(forms.Form):
    # Nothing chosen for the reporter: a hurried report must not file the gravest kind by default.
    situation = forms.ChoiceField(
        label=_("What kind of harm"), choices=[("", _("— Choose what happened —")), *HarmSituation.choices]
    )
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    region = forms.ModelChoiceField(label=_("Community or village"), queryset=Region.objects.none())
    place = forms.CharField(label=_("Place (street, building, shop…)"), required=False, max_length=200)
    child_name = forms.CharField(label=_("The child's name, if you know it"), required=False, max_length=50)
    child_id_number = forms.CharField(
        label=_("The child's ID number, if you know it"), required=False, max_length=20
    )
    reporter_name = forms.CharField(
        label=_("Your name (optional, kept confidential)"), required=False, max_length=50
    )
    reporter_phone = forms.CharField(
        label=_("Your phone (optional, kept confidential)"), required=False, max_length=20
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level=Region.Level.COMMUNITY).select_related(
            "parent"
        )
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} {r.name}"

    def clean_child_id_number(self):
        value = self.cleaned_data["child_id_number"].strip()
        return validate_id_number(value) if value else ""


def _receive(form, user=None):
    """File the report; an ID number links it to the registered child (for staff: if within their
    jurisdiction). The reporter is told nothing about the child either way."""
    data = dict(form.cleaned_data)
    id_number = data.pop("child_id_number")
    child = harm.registered_child(id_number, user) if id_number else None
    return harm.receive(**data, child=child, from_public=user is None)


STEP_LABELS = {
    "triage": _("Triaged"),
    "raise": _("Urgency raised"),
    "action": _("Action"),
    "close": _("Closed"),
    "link": _("Linked to the registered child"),
}


@ratelimit(key="ip", rate="5/h")
def public_report(request):
    """Anyone may report, without an account. Five reports an hour from one address."""
    form = ReportForm(request.POST or None)
    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, "welfare/report_public.html", {"form": form, "limited": True}, status=429)
    if request.method == "POST" and form.is_valid():
        report = _receive(form)
        return render(request, "welfare/report_thanks.html", {"reference": report.reference})
    return render(request, "welfare/report_public.html", {"form": form})


def _reports(user):
    return scoped(HarmReport.objects.select_related("region__parent"), user)


@login_required
def report_list(request):
    require(request.user, "welfare.view_harmreport")
    now = timezone.now()
    reports = _reports(request.user).exclude(state=HarmReport.State.CLOSED)
    if request.GET.get("all"):
        reports = _reports(request.user)
    rows = [{"report": r, "overdue": harm.is_overdue(r, now)} for r in reports[:200]]
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="welfare.HarmReport",
        details={"shown": [r["report"].pk for r in rows]},
    )
    return render(request, "welfare/report_list.html", {"rows": rows})


@login_required
def report_staff_new(request):
    """The signed-in intake for everyone with a duty to report (强制报告). Those who handle reports
    go to the report; a school or hospital officer, who may not read reports, is told it is filed."""
    require(request.user, "welfare.file_harmreport")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = _receive(form, request.user)
        if can(request.user, "welfare.view_harmreport", report):
            return redirect("welfare:report_detail", pk=report.pk)
        messages.success(
            request,
            _("Report %(reference)s is filed; police and civil affairs of the area have been told.")
            % {"reference": report.reference},
        )
        return redirect("welfare:report_staff_new")
    return render(request, "welfare/report_public.html", {"form": form, "staff": True})


@login_required
def report_detail(request, pk):
    report = get_scoped_or_404(
        HarmReport.objects.select_related("region__parent", "child"), request.user, pk=pk
    )
    record(AuditEntry.Action.READ, request=request, obj=report)
    police = request.user.role == Role.POLICE
    return render(
        request,
        "welfare/report_detail.html",
        {
            "report": report,
            "overdue": harm.is_overdue(report),
            "actions": [(a, STEP_LABELS.get(a.kind, a.kind)) for a in report.actions.select_related("actor")],
            "reporter_name": report.reporter_name if police else mask_name(report.reporter_name),
            "reporter_phone": report.reporter_phone if police else mask_phone(report.reporter_phone),
            "child_name": mask_name(report.child_name),
            "urgencies": HarmReport.Urgency.choices,
            "handlers": HarmReport.Handler.choices,
        },
    )


STEP_DONE = {
    "triage": _("Triaged: the handlers are told and the response clock runs."),
    "action": _("Recorded what was done."),
    "close": _("The report is closed."),
}


@login_required
@require_POST
def report_step(request, pk):
    report = get_scoped_or_404(HarmReport.objects.all(), request.user, pk=pk)
    step = request.POST.get("step", "")
    note = request.POST.get("note", "")

    def take_step():
        if step == "triage":
            urgency, handler = request.POST.get("urgency"), request.POST.get("handler")
            if urgency not in HarmReport.Urgency.values or handler not in HarmReport.Handler.values:
                raise Refusal(_("Choose the urgency and who handles it."))
            harm.triage(report, request.user, urgency, handler, note)
        elif step == "action":
            harm.act(report, request.user, note)
        elif step == "close":
            harm.close(report, request.user, note)
        else:
            raise Refusal(_("Unknown step."))

    return attempt(request, take_step, STEP_DONE.get(step), "welfare:report_detail", pk=report.pk)


@login_required
@require_POST
def report_link(request, pk):
    report = get_scoped_or_404(HarmReport.objects.all(), request.user, pk=pk)
    return attempt(
        request,
        lambda: harm.link_child(report, request.user, request.POST.get("id_number", "")),
        _("The report is linked to the child's record."),
        "welfare:report_detail",
        pk=report.pk,
    )
