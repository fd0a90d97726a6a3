"""Thin views over the data hub services. Every queryset is scoped; every read is audited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.disclosure import DisclosureRefused, Policy
from tongyou.core.scoping import can, get_scoped_or_404, require
from tongyou.privacy import masking

from .forms import ChildQueryForm
from .models import Child
from .services.export import XLSX, export_children_xlsx, pivot_xlsx
from .services.search import loggable_query, search_children
from .services.statistics import DIMENSIONS, Pivot, child_pivot
from .services.timeline import timeline

REVEALABLE = {"id_number": masking.mask_id_number, "name": masking.mask_name}


def _without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def child_list(request):
    require(request.user, "datahub.view_child")
    query = request.GET.get("q", "")
    form = ChildQueryForm(request.GET or None, user=request.user)
    child_filter = form.child_filter()
    children = child_filter.apply(search_children(request.user, query)).select_related(
        "residence_region__parent"
    )
    page = Paginator(children, 50).get_page(request.GET.get("page"))
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="datahub.Child",
        details={
            "query": loggable_query(query),
            "filters": child_filter.describe(),
            "count": page.paginator.count,
            "page": page.number,
            "shown": [c.pk for c in page],
        },
    )
    rows = [
        {"child": c, "name": masking.mask_name(c.name), "id_number": masking.mask_id_number(c.id_number)}
        for c in page
    ]
    return render(
        request,
        "datahub/child_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "form": form,
            "params": _without_page(request),
            "can_export": can(request.user, "datahub.export_child"),
        },
    )


def _detail_context(child, revealed=()):
    def show(field, value):
        return value if field in revealed else REVEALABLE[field](value)

    guardians = [
        {
            "name": masking.mask_name(g.name),
            "relationship": g.get_relationship_display(),
            "phone": masking.mask_phone(g.phone),
        }
        for g in child.guardians.all()
    ]
    return {
        "child": child,
        "name": show("name", child.name),
        "id_number": show("id_number", child.id_number),
        "guardians": guardians,
        "revealed": revealed,
        "timeline": timeline(child),
    }


@login_required
def child_detail(request, pk):
    child = get_scoped_or_404(Child.objects.select_related("residence_region"), request.user, pk=pk)
    record(AuditEntry.Action.READ, request=request, obj=child)
    context = _detail_context(child)
    context["can_reveal"] = can(request.user, "datahub.reveal_child", child)
    context["can_apply"] = can(request.user, "welfare.add_allowanceapplication", child)
    context["can_visit"] = can(request.user, "welfare.add_visit", child)
    return render(request, "datahub/child_detail.html", context)


@login_required
@require_POST
def child_reveal(request, pk):
    child = get_scoped_or_404(Child.objects.select_related("residence_region"), request.user, pk=pk)
    field = request.POST.get("field")
    if field not in REVEALABLE:
        raise PermissionDenied
    require(request.user, "datahub.reveal_child", child)
    record(AuditEntry.Action.REVEAL, request=request, obj=child, details={"field": field})
    context = _detail_context(child, revealed=(field,))
    context["can_reveal"] = True
    # Switching language re-opens the record (masked again), not this POST-only URL.
    context["lang_next"] = reverse("datahub:child_detail", args=[child.pk])
    return render(request, "datahub/child_detail.html", context)


@login_required
def child_export(request):
    require(request.user, "datahub.export_child")
    query = request.GET.get("q", "")
    child_filter = ChildQueryForm(request.GET or None, user=request.user).child_filter()
    content, count = export_children_xlsx(
        request.user, child_filter.apply(search_children(request.user, query))
    )
    record(
        AuditEntry.Action.EXPORT,
        request=request,
        object_type="datahub.Child",
        details={
            "format": "xlsx",
            "count": count,
            "query": loggable_query(query),
            "filters": child_filter.describe(),
        },
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = f"children-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pivot_for(request):
    """The form, the pivot it asks for, and what the audit log records of it."""
    form = ChildQueryForm(request.GET or None, user=request.user)
    rows, cols = form.dimensions()
    child_filter = form.child_filter()
    try:
        pivot = child_pivot(request.user, rows, cols, filters=child_filter)
    except DisclosureRefused as exc:
        # A question the role may not ask: said on the form, answered with an empty table.
        form.add_error(None, str(exc))
        pivot = Pivot(rows, cols, [], [], {}, {}, {}, Policy.for_user(request.user))
    logged = {"rows": rows, "cols": cols, "filters": child_filter.describe(), "suppressed": pivot.suppressed}
    return form, pivot, logged


@login_required
def statistics(request):
    require(request.user, "datahub.aggregate_child")
    form, pivot, logged = _pivot_for(request)
    record(AuditEntry.Action.STATISTICS, request=request, object_type="datahub.Child", details=logged)
    table = pivot.table()
    chart = {
        "categories": [row["label"] for row in table],
        "series": [
            {"name": str(pivot.col_labels.get(c, c)), "data": [pivot.cell(r, c) for r in pivot.rows]}
            for c in pivot.cols
        ],
    }
    return render(
        request,
        "datahub/statistics.html",
        {
            "form": form,
            "pivot": pivot,
            "table": table,
            "col_totals": [pivot.col_total(c) for c in pivot.cols],
            "col_headers": [pivot.col_labels.get(c, c) for c in pivot.cols],
            "chart": chart,
            "rows_label": DIMENSIONS[pivot.row_dimension],
            "cols_label": DIMENSIONS[pivot.col_dimension],
            "query": request.GET.urlencode(),
        },
    )


@login_required
def statistics_export(request):
    require(request.user, "datahub.aggregate_child")
    form, pivot, logged = _pivot_for(request)
    if form.non_field_errors():
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect(f"{reverse('datahub:statistics')}?{request.GET.urlencode()}")
    record(
        AuditEntry.Action.EXPORT,
        request=request,
        object_type="datahub.Child",
        details={"format": "xlsx", "statistics": True, **logged},
    )
    title = f"{DIMENSIONS[pivot.row_dimension]} × {DIMENSIONS[pivot.col_dimension]}"
    response = HttpResponse(pivot_xlsx(pivot, request.user, title, logged["filters"]), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="statistics-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"'
    )
    return response
