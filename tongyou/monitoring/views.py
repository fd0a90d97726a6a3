"""The plan, the units' reports and the coordinator's review. Dashboards, exports and the public
column are in dashboard_views.py."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tongyou.accounts.services import UnknownUnit, resolve_unit_names
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal, join_messages
from tongyou.core.scoping import can, require
from tongyou.core.spreadsheets import FileError
from tongyou.core.uploads import upload_limit
from tongyou.regions.models import Region

from . import interop, reports, services, values
from .models import Indicator, Plan, PlanTask, ProgressReport, ReportEvidence, ReportingRound


def plan(request):
    """The plan is a public document: anyone may read its tasks, measures, units and indicators."""
    current = services.current_plan()
    areas = []
    if current:
        tasks = PlanTask.objects.prefetch_related(
            "lead_units",
            "participating_units",
            "sub_items",
            Prefetch("indicators", queryset=Indicator.objects.all()),
        )
        areas = current.areas.prefetch_related(Prefetch("tasks", queryset=tasks))
    history = current.supersedes if current else None
    return render(
        request,
        "monitoring/plan.html",
        {
            "plan": current,
            "areas": areas,
            "history": history,
            "may_edit": can(request.user, "monitoring.change_plantask"),
        },
    )


class TaskForm(forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = ["title", "text", "lead_units_text", "participating_units_text", "chosen_units"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8}), "chosen_units": forms.CheckboxSelectMultiple}
        help_texts = {
            "chosen_units": gettext_lazy(
                "Where the plan says 全体相关单位 or 各相关镇办, "
                "tick the units that owe a report on this task."
            )
        }

    def clean(self):
        cleaned = super().clean()
        for field in ("lead_units_text", "participating_units_text"):
            try:
                cleaned[f"{field}_units"] = resolve_unit_names(cleaned.get(field, ""))
            except UnknownUnit as exc:
                self.add_error(field, _("Unknown unit: %(name)s") % {"name": exc.args[0]})
        return cleaned


@login_required
def task_edit(request, pk):
    """The coordinator corrects a task; its unit lists are re-read, so reports follow the change."""
    require(request.user, "monitoring.change_plantask")
    task = get_object_or_404(PlanTask, pk=pk, area__plan__is_current=True)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        task = form.save()
        task.lead_units.set(form.cleaned_data["lead_units_text_units"])
        task.participating_units.set(form.cleaned_data["participating_units_text_units"])
        services.set_sub_items(task)
        record(AuditEntry.Action.UPDATE, request=request, obj=task, details={"fields": form.changed_data})
        messages.success(request, _("Saved."))
        return redirect("monitoring:plan")
    return render(request, "monitoring/task_edit.html", {"form": form, "task": task})


class RevisionForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code of the revised plan"), max_length=40)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)


@login_required
def plan_revise(request):
    require(request.user, "monitoring.change_plan")
    current = services.current_plan()
    form = RevisionForm(request.POST or None, initial={"title": current.title if current else ""})
    if request.method == "POST" and form.is_valid():
        if Plan.objects.filter(code=form.cleaned_data["code"]).exists():
            form.add_error("code", _("A plan with this code exists."))
        else:
            services.revise_plan(current, form.cleaned_data["code"], form.cleaned_data["title"], request.user)
            messages.success(
                request, _("The revised plan is now current; the previous one and its reports are kept.")
            )
            return redirect("monitoring:plan")
    return render(request, "monitoring/plan_revise.html", {"form": form, "plan": current})


def _current_round():
    return ReportingRound.objects.select_related("plan").first()


class RoundForm(forms.ModelForm):
    class Meta:
        model = ReportingRound
        fields = ["year", "quarter", "deadline", "remind_days"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}


@login_required
def my_reports(request):
    """A unit's outstanding and submitted reports; the coordinator's review list and overdue units."""
    if not (
        can(request.user, "monitoring.report_for_unit")
        or can(request.user, "monitoring.review_progressreport")
    ):
        raise PermissionDenied
    reporting_round = ReportingRound.objects.filter(pk=request.GET.get("round")).first() or _current_round()
    context = {"round": reporting_round, "rounds": ReportingRound.objects.all()}
    reviewer = can(request.user, "monitoring.review_progressreport")
    if reporting_round and can(request.user, "monitoring.report_for_unit", request.user.unit):
        unit = request.user.unit
        existing = {r.task_id: r for r in reporting_round.reports.filter(unit=unit)}
        context["unit_rows"] = [
            (task, existing.get(task.pk)) for task in reports.tasks_of(unit, reporting_round.plan)
        ]
        context["unit"] = unit
    if reporting_round and reviewer:
        context["submitted"] = reporting_round.reports.filter(state="submitted").select_related(
            "unit", "task__area"
        )
        context["overdue"] = reports.overdue_units(reporting_round)
        context["round_form"] = RoundForm(
            initial={"year": timezone.localdate().year, "deadline": f"{timezone.localdate().year}-12-31"}
        )
    elif reviewer:
        context["round_form"] = RoundForm(
            initial={"year": timezone.localdate().year, "deadline": f"{timezone.localdate().year}-12-31"}
        )
    context["reviewer"] = reviewer
    return render(request, "monitoring/my_reports.html", context)


@login_required
@require_POST
def round_open(request):
    require(request.user, "monitoring.review_progressreport")
    form = RoundForm(request.POST)
    if form.is_valid():
        reports.open_round(
            form.cleaned_data["year"],
            form.cleaned_data["deadline"],
            services.current_plan(),
            request.user,
            quarter=form.cleaned_data["quarter"],
            remind_days=form.cleaned_data["remind_days"],
        )
        messages.success(request, _("The reporting round is open."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("monitoring:my_reports")


@login_required
@require_POST
def report_open(request, round_pk, task_pk):
    """Start the unit's report on a task (a draft), or go to the one already started: a POST, so
    that opening a list or following a link never creates anything."""
    reporting_round = get_object_or_404(ReportingRound, pk=round_pk)
    task = get_object_or_404(PlanTask, pk=task_pk, area__plan=reporting_round.plan)
    try:
        report = reports.report_for(reporting_round, request.user.unit, task, request.user)
    except Refusal as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:my_reports")
    return redirect("monitoring:report_detail", pk=report.pk)


def _report_or_404(request, pk):
    report = get_object_or_404(
        ProgressReport.objects.select_related("round", "unit", "task__area", "reviewed_by"), pk=pk
    )
    if not (
        can(request.user, "monitoring.review_progressreport")
        or can(request.user, "monitoring.report_for_unit", report.unit)
    ):
        raise Http404  # another unit's report: as if it did not exist
    return report


class ReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["progress", "narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 6})}


class EvidenceForm(forms.Form):
    caption = forms.CharField(label=gettext_lazy("What it shows"), max_length=200)
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    url = forms.URLField(label=gettext_lazy("Or a link"), required=False)


class ValueForm(forms.Form):
    indicator = forms.ModelChoiceField(label=gettext_lazy("Indicator"), queryset=Indicator.objects.none())
    region = forms.ModelChoiceField(label=gettext_lazy("Region"), queryset=Region.objects.none())
    numerator = forms.DecimalField(label=gettext_lazy("Numerator"), required=False)
    denominator = forms.DecimalField(label=gettext_lazy("Denominator"), required=False)
    value = forms.DecimalField(label=gettext_lazy("Value"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(source_units=unit, calculator="")
        self.fields["region"].queryset = Region.objects.filter(level__lte=Region.Level.STREET).order_by(
            "code"
        )
        self.fields["region"].initial = Region.objects.filter(level=Region.Level.DISTRICT).first()


@login_required
def report_detail(request, pk):
    report = _report_or_404(request, pk)
    editable = report.state in reports.EDITABLE and can(
        request.user, "monitoring.report_for_unit", report.unit
    )
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and editable and form.is_valid():
        try:
            reports.save(report, request.user, form.cleaned_data["progress"], form.cleaned_data["narrative"])
            if "submit" in request.POST:
                reports.submit(report, request.user)
                messages.success(request, _("Submitted to the Women and Children Working Committee office."))
            else:
                messages.success(request, _("Saved."))
        except Refusal as exc:
            messages.error(request, str(exc))
        return redirect("monitoring:report_detail", pk=report.pk)
    record(AuditEntry.Action.READ, request=request, obj=report)
    return _render_detail(request, report, form=form, editable=editable)


def _render_detail(request, report, form=None, editable=None, value_form=None, status=200):
    if editable is None:
        editable = report.state in reports.EDITABLE and can(
            request.user, "monitoring.report_for_unit", report.unit
        )
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "report": report,
            "form": form or ReportForm(instance=report),
            "editable": editable,
            "reviewer": can(request.user, "monitoring.review_progressreport") and report.state == "submitted",
            "evidence": report.evidence.defer("content"),
            "evidence_form": EvidenceForm(),
            "value_form": value_form or ValueForm(unit=report.unit),
            "values": report.indicator_values.select_related("indicator", "region"),
            "events": report.events.select_related("actor"),
            "task_indicators": report.task.indicators.all(),
        },
        status=status,
    )


@upload_limit(10 * 1024 * 1024)
@login_required
@require_POST
def report_evidence(request, pk):
    report = _report_or_404(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reports.add_evidence(
                report,
                request.user,
                form.cleaned_data["caption"],
                form.cleaned_data["file"],
                form.cleaned_data["url"],
            )
        except Refusal as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("monitoring:report_detail", pk=report.pk)


@login_required
def evidence_file(request, pk):
    evidence = get_object_or_404(ReportEvidence.objects.select_related("report__unit"), pk=pk)
    _report_or_404(request, evidence.report_id)
    if not evidence.filename:
        raise Http404
    response = HttpResponse(bytes(evidence.content), content_type=evidence.content_type)
    response["Content-Disposition"] = f'attachment; filename="evidence-{evidence.pk}"'
    return response


@login_required
@require_POST
def report_value(request, pk):
    report = _report_or_404(request, pk)
    form = ValueForm(request.POST, unit=report.unit)
    if not form.is_valid():
        return _render_detail(request, report, value_form=form, status=400)
    data = form.cleaned_data
    try:
        values.report_value(
            report,
            request.user,
            data["indicator"],
            data["region"],
            data["numerator"],
            data["denominator"],
            data["value"],
            data["note"],
        )
    except Refusal as exc:
        # Shown with the form as filled in, so nothing typed is lost.
        messages.error(request, str(exc))
        return _render_detail(request, report, value_form=form, status=400)
    messages.success(request, _("Saved."))
    return redirect("monitoring:report_detail", pk=report.pk)


@login_required
def values_template(request, pk):
    report = _report_or_404(request, pk)
    content = interop.template(report.unit, report.round.period)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="indicators-{report.round.period}.xlsx"'
    return response


@upload_limit(200 * 1024 * 1024)
@login_required
@require_POST
def values_import(request, pk):
    report = _report_or_404(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the filled template."))
        return redirect("monitoring:report_detail", pk=report.pk)
    try:
        positions, rows = interop.read_upload(upload.name, upload.read())
        saved = interop.import_rows(report, request.user, positions, rows)
    except FileError as exc:
        messages.error(request, str(exc))
    except Refusal as exc:
        messages.error(request, _("Nothing was recorded. %(errors)s") % {"errors": join_messages(exc.errors)})
    else:
        messages.success(request, _("%(count)s values recorded.") % {"count": len(saved)})
    return redirect("monitoring:report_detail", pk=report.pk)


@login_required
@require_POST
def report_review(request, pk):
    report = _report_or_404(request, pk)
    comment = request.POST.get("comment", "")
    try:
        if request.POST.get("decision") == "accept":
            reports.accept(report, request.user, comment)
            messages.success(request, _("Accepted."))
        else:
            reports.return_report(report, request.user, comment)
            messages.success(request, _("Returned to the unit."))
    except Refusal as exc:
        messages.error(request, str(exc))
    return redirect("monitoring:report_detail", pk=report.pk)


@login_required
@require_POST
def plan_adopt(request):
    """The office records that the plan has been adopted: documents cite it without 征求意见稿."""
    require(request.user, "monitoring.change_plan")
    current = services.current_plan()
    if current is not None and not current.is_final:
        current.is_final = True
        current.save(update_fields=["is_final"])
        record(AuditEntry.Action.UPDATE, request=request, obj=current, details={"adopted": True})
        messages.success(request, _("The plan is recorded as adopted."))
    return redirect("monitoring:plan")


@login_required
@require_POST
def round_summary(request, pk):
    """The office's own sections of the annual report, drafted during the round."""
    require(request.user, "monitoring.review_progressreport")
    reporting_round = get_object_or_404(ReportingRound, pk=pk)
    reporting_round.problems = request.POST.get("problems", "")[:5000]
    reporting_round.next_steps = request.POST.get("next_steps", "")[:5000]
    reporting_round.save(update_fields=["problems", "next_steps"])
    record(
        AuditEntry.Action.UPDATE,
        request=request,
        obj=reporting_round,
        details={"fields": ["problems", "next_steps"]},
    )
    messages.success(request, _("Saved."))
    return redirect(f"{reverse('monitoring:my_reports')}?round={reporting_round.pk}")
