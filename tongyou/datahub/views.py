"""Thin views over the data hub services. Every queryset is scoped; every read is audited."""

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.disclosure import Policy
from tongyou.core.errors import Refusal
from tongyou.core.exports import XLSX
from tongyou.core.scoping import can, get_scoped_or_404, require
from tongyou.privacy import masking

from .forms import ChildQueryForm
from .models import Child
from .services.export import export_children_xlsx, pivot_xlsx
from .services.search import ID_LIKE, loggable_query, search_children
from .services.statistics import DIMENSIONS, Pivot, child_pivot
from .services.timeline import timeline

REVEALABLE = {"id_number": masking.mask_id_number, "name": masking.mask_name}


SEARCHES = "child_searches"  # the session's recent searches, by token
KEPT_SEARCHES = 20
SEARCH_FIELDS = ("q", *ChildQueryForm.base_fields)


def _remember_search(request, data) -> str:
    """Keep a search's criteria in the session and name them by a random token: the URL then
    carries the token, never a name or an ID number (access logs, history, Referer, the language
    switch's `next`)."""
    criteria = {key: data.getlist(key) for key in SEARCH_FIELDS if any(data.getlist(key))}
    searches = request.session.get(SEARCHES, {})
    token = secrets.token_urlsafe(9)
    searches[token] = criteria
    request.session[SEARCHES] = dict(list(searches.items())[-KEPT_SEARCHES:])
    return token


def _search(request):
    """(criteria as a QueryDict, token) of the search named by `s`; empty when there is none."""
    token = request.POST.get("s") or request.GET.get("s") or ""
    criteria = QueryDict(mutable=True)
    for key, values in request.session.get(SEARCHES, {}).get(token, {}).items():
        criteria.setlist(key, values)
    return criteria, token


@login_required
def child_list(request):
    require(request.user, "datahub.view_child")
    if request.method == "POST" or (set(request.GET) & set(SEARCH_FIELDS)):
        # A search arrives by POST and is answered at ?s=token. One typed into the address bar is
        # moved there too, except an ID number, which must not travel in a URL at all.
        data = request.POST if request.method == "POST" else request.GET.copy()
        if request.method == "GET" and ID_LIKE.match(data.get("q", "").strip()):
            data.pop("q")
            messages.error(
                request, _("Search for an ID number with the search box: it must not be in the address.")
            )
        return redirect(f"{reverse('datahub:child_list')}?s={_remember_search(request, data)}")
    criteria, token = _search(request)
    query = criteria.get("q", "")
    form = ChildQueryForm(criteria or None, user=request.user)
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
            "token": token,
            "params": f"s={token}" if token else "",
            "can_export": can(request.user, "datahub.export_child"),
            "export_form": ExportForm(),
        },
    )


class ExportForm(forms.Form):
    full_names = forms.BooleanField(label=gettext_lazy("Full names (masked otherwise)"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Why full names are needed"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Recorded in the audit log with the export."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("full_names") and len((cleaned.get("reason") or "").strip()) < 4:
            self.add_error("reason", _("Say why the list needs full names (at least a few words)."))
        return cleaned


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
@require_POST
def child_export(request):
    require(request.user, "datahub.export_child")
    criteria, token = _search(request)
    export = ExportForm(request.POST)
    if not export.is_valid():
        messages.error(request, " ".join(e for errors in export.errors.values() for e in errors))
        return redirect(f"{reverse('datahub:child_list')}?s={token}" if token else "datahub:child_list")
    full_names = export.cleaned_data["full_names"]
    query = criteria.get("q", "")
    child_filter = ChildQueryForm(criteria or None, user=request.user).child_filter()
    content, count = export_children_xlsx(
        request.user, child_filter.apply(search_children(request.user, query)), full_names=full_names
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
            "full_names": full_names,
            **({"reason": export.cleaned_data["reason"].strip()} if full_names else {}),
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
    except Refusal as exc:
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
