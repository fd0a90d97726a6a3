"""Dashboards (staff, within their jurisdiction), exports, the annual report, and the public column."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import disclosure
from tongyou.core.registry import registry
from tongyou.core.scoping import can, require, scoped
from tongyou.regions.models import Region

from . import annual_report, dashboards, dhis2, interop, services, values
from .models import Indicator, IndicatorValue, NewsItem, ProgressReport, ReportingRound, Target


def _period(request):
    period = request.GET.get("period") or str(timezone.localdate().year)
    try:
        values.period_bounds(period)
    except ValueError:
        period = str(timezone.localdate().year)
    return period


def _region(request):
    """The region asked for, if the user's jurisdiction holds it; else the jurisdiction itself."""
    own = request.user.jurisdiction
    asked = Region.objects.filter(code=request.GET.get("region", "")).first()
    return asked if asked is not None and own.contains(asked) else own


@login_required
def dashboard(request):
    require(request.user, "monitoring.view_indicatorvalue")
    period = _period(request)
    region = _region(request)
    board = dashboards.board(
        request.user,
        period,
        region,
        selected_code=request.GET.get("indicator", "PS-06"),
        mine=bool(request.GET.get("mine")),
    )
    record(
        AuditEntry.Action.STATISTICS,
        request=request,
        object_type="monitoring.IndicatorValue",
        details={"period": period, "region": region.code},
    )
    return render(
        request,
        "monitoring/dashboard.html",
        {
            **board,
            "period": period,
            "region": region,
            "ancestors": [r for r in dashboards.ancestors(region) if request.user.jurisdiction.contains(r)],
            "periods": sorted(set(IndicatorValue.objects.values_list("period", flat=True)), reverse=True),
            "may_compute": can(request.user, "monitoring.compute_indicatorvalue"),
        },
    )


@login_required
@require_POST
def compute_now(request):
    require(request.user, "monitoring.compute_indicatorvalue")
    period = request.POST.get("period") or str(timezone.localdate().year)
    try:
        written = values.compute(period)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        record(
            AuditEntry.Action.UPDATE,
            request=request,
            object_type="monitoring.IndicatorValue",
            details={"computed": period},
        )
        messages.success(request, _("%(count)s values computed from the registries.") % {"count": written})
    return redirect(f"{request.POST.get('next') or '/monitoring/dashboard/'}")


def _export_queryset(request):
    require(request.user, "monitoring.view_indicatorvalue")
    found = scoped(IndicatorValue.objects.all(), request.user).filter(state="accepted")
    if request.GET.get("period"):
        found = found.filter(period=request.GET["period"])
    if disclosure.Policy.for_user(request.user).exact:
        return found
    # Aggregate-only readers get no count of too few persons; counts of things stay.
    return found.exclude(
        disclosure.small_figures("numerator", "denominator") & Q(indicator__counts_persons=True)
    )


@login_required
def export_dhis2(request):
    found = _export_queryset(request)
    record(
        AuditEntry.Action.EXPORT,
        request=request,
        object_type="monitoring.IndicatorValue",
        details={"format": "dhis2"},
    )
    response = JsonResponse(dhis2.data_value_set(found), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="dataValueSets.json"'
    return response


@login_required
def export_dhis2_metadata(request):
    require(request.user, "monitoring.view_indicatorvalue")
    regions = Region.objects.filter(level__in=dhis2.LEVELS).select_related("parent").order_by("level", "code")
    payload = dhis2.metadata(Indicator.objects.order_by("code"), regions)
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="metadata.json"'
    return response


@login_required
def export_table(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    found = _export_queryset(request)
    record(
        AuditEntry.Action.EXPORT,
        request=request,
        object_type="monitoring.IndicatorValue",
        details={"format": fmt},
    )
    if fmt == "csv":
        response = HttpResponse(interop.as_csv(found), content_type="text/csv")
    else:
        response = HttpResponse(
            interop.as_xlsx(found),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="indicator-values.{fmt}"'
    return response


@login_required
def annual(request, pk, fmt):
    require(request.user, "monitoring.review_progressreport")
    if fmt not in ("docx", "pdf"):
        raise Http404
    reporting_round = get_object_or_404(ReportingRound, pk=pk)
    district = Region.objects.get(level=Region.Level.DISTRICT)
    try:
        content, content_type, filename = annual_report.build(reporting_round, district, fmt)
    except annual_report.FontMissing as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:my_reports")
    record(AuditEntry.Action.EXPORT, request=request, obj=reporting_round, details={"format": fmt})
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def public_column(request):
    """宣传专栏: the plan's progress for everyone, district aggregates only, small cells hidden."""
    current = services.current_plan()
    district = Region.objects.filter(level=Region.Level.DISTRICT).first()
    reporting_round = ReportingRound.objects.filter(plan=current).first() if current else None
    period = reporting_round.period if reporting_round else str(timezone.localdate().year)
    progress = {}
    if reporting_round:
        for state in reporting_round.reports.filter(state="accepted").values_list("progress", flat=True):
            progress[state] = progress.get(state, 0) + 1
    rows = []
    indicators = Indicator.objects.prefetch_related("targets").order_by("code")
    cells = dashboards.cells(indicators, period, [district]) if district else {}
    for indicator in indicators:
        cell = cells.get((indicator.pk, district.pk)) if district else None
        if cell is None or cell.value is None or dashboards.hidden_from(disclosure.PROTECTED, cell):
            continue
        colour, target = values.light(indicator, cell.value, int(period[:4]))
        rows.append(
            {
                "indicator": indicator,
                "value": cell.value,
                "light": colour,
                "target": target,
                "as_of": cell.updated_at,
            }
        )
    return render(
        request,
        "monitoring/public_column.html",
        {
            "plan": current,
            "period": period,
            "progress": [(ProgressReport.Progress(k).label, v) for k, v in progress.items() if k],
            "rows": rows,
            "news": NewsItem.objects.filter(published_at__isnull=False, published_at__lte=timezone.now())[
                :10
            ],
            "chart": {
                "labels": [r["indicator"].code for r in rows],
                "values": [float(r["value"]) for r in rows],
            },
            # Other apps' public pages, each with its figure (live alerts): registered, not named here.
            "see_also": [
                {"key": item.key, "label": item.label, "url": reverse(item.url_name), "badge": badge}
                for item, badge in registry.public_links(exclude_prefix="monitoring.")
            ],
        },
    )


def news_detail(request, pk):
    item = get_object_or_404(NewsItem, pk=pk, published_at__isnull=False, published_at__lte=timezone.now())
    return render(request, "monitoring/news_detail.html", {"item": item})


class NewsForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = ["title", "body", "task"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        labels = {"task": gettext_lazy("Task (optional)")}


@login_required
def news_new(request):
    if not can(request.user, "monitoring.add_newsitem"):
        raise PermissionDenied
    form = NewsForm(request.POST or None)
    form.fields["task"].queryset = form.fields["task"].queryset.filter(area__plan__is_current=True)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.author, item.published_at = request.user, timezone.now()
        item.save()
        record(AuditEntry.Action.CREATE, request=request, obj=item)
        messages.success(request, _("Published on the public column."))
        return redirect("monitoring:public_column")
    return render(request, "monitoring/news_new.html", {"form": form})


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["comparator", "value", "year", "basis"]


@login_required
def indicator_detail(request, code):
    """An indicator's definition, targets (the coordinator edits them) and values over time."""
    require(request.user, "monitoring.view_indicatorvalue")
    indicator = get_object_or_404(
        Indicator.objects.prefetch_related("targets", "tasks__area", "source_units"), code=code
    )
    may_edit = can(request.user, "monitoring.change_target")
    form = TargetForm(request.POST or None, prefix="target")
    if request.method == "POST" and may_edit:
        if request.POST.get("delete"):
            indicator.targets.filter(pk=request.POST["delete"]).delete()
            record(
                AuditEntry.Action.DELETE,
                request=request,
                obj=indicator,
                details={"target": request.POST["delete"]},
            )
            return redirect("monitoring:indicator", code=code)
        if form.is_valid():
            target = form.save(commit=False)
            target.indicator = indicator
            target.save()
            record(AuditEntry.Action.CREATE, request=request, obj=target)
            return redirect("monitoring:indicator", code=code)
    own = request.user.jurisdiction
    history = (
        scoped(IndicatorValue.objects.filter(indicator=indicator, state="accepted"), request.user)
        .filter(region__level__lte=Region.Level.STREET)
        .select_related("region", "indicator")
        .order_by("-period", "region__code")
    )
    policy = disclosure.Policy.for_user(request.user)
    rows = [(v, dashboards.hidden_from(policy, v)) for v in history[:300] if own.contains(v.region)]
    return render(
        request,
        "monitoring/indicator.html",
        {"indicator": indicator, "form": form, "may_edit": may_edit, "rows": rows},
    )
