"""The ledger dashboard, its Excel export, and recording a visit."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.exports import download
from tongyou.core.scoping import get_scoped_or_404, require
from tongyou.datahub.models import Child
from tongyou.privacy.masking import mask_id_number, mask_name

from . import exports, ledger
from .models import Visit


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=gettext_lazy("Visited on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    risk = forms.ChoiceField(label=gettext_lazy("Guardianship risk"), choices=Visit.Risk.choices)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _rows(user, today):
    # Overdue as the visit schedule says: a child registered recently is not overdue before the
    # first visit is due, whatever its (absent) last visit.
    due = {s.child.pk: s.due for s in ledger.visit_schedule(user, today)}
    children = ledger.registered(user, today).select_related("residence_region__parent__parent")
    return [
        {
            "child": c,
            "name": mask_name(c.name),
            "id_number": mask_id_number(c.id_number),
            "last_visit": c.last_visit,
            "overdue": due.get(c.pk, today) < today,
        }
        for c in children
    ]


@login_required
def dashboard(request):
    require(request.user, "welfare.view_visit")
    today = timezone.localdate()
    rows = _rows(request.user, today)
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="welfare.Ledger",
        details={"registered": len(rows), "overdue": sum(r["overdue"] for r in rows)},
    )
    return render(
        request,
        "welfare/ledger.html",
        {
            "areas": ledger.overdue_by_area([r["child"] for r in rows], today),
            "overdue": [r for r in rows if r["overdue"]][:200],
            "registered": len(rows),
            "review_days": ledger.review_days(),
        },
    )


@login_required
def ledger_quarter_xlsx(request):
    """The quarterly ledger (季度台账) for the civil-affairs office: rows by category, Chinese
    headers, totals per category and per street, set to print on A4 landscape."""
    require(request.user, "welfare.view_visit")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        quarter = int(request.GET.get("quarter", (today.month - 1) // 3 + 1))
        if not (2000 <= year <= today.year and 1 <= quarter <= 4):
            raise ValueError
    except ValueError:
        messages.error(request, _("Choose a year and a quarter (1–4)."))
        return redirect("welfare:ledger")
    rows, by_category, by_street, (start, end, as_of) = ledger.quarterly(request.user, year, quarter, today)
    content = exports.quarterly_ledger(
        request.user, year, quarter, rows, by_category, by_street, start, as_of
    )
    record(
        AuditEntry.Action.EXPORT,
        request=request,
        object_type="welfare.Ledger",
        details={"format": "xlsx", "quarter": f"{year}Q{quarter}", "rows": len(rows)},
    )
    return download(content, f"ledger-{year}Q{quarter}.xlsx")


@login_required
def ledger_xlsx(request):
    require(request.user, "welfare.view_visit")
    today = timezone.localdate()
    rows = _rows(request.user, today)
    content = exports.ledger(request.user, rows, today)
    record(
        AuditEntry.Action.EXPORT,
        request=request,
        object_type="welfare.Ledger",
        details={"format": "xlsx", "rows": len(rows)},
    )
    return download(content, f"ledger-{today:%Y%m%d}.xlsx")


@login_required
def visit_new(request, child_pk):
    child = get_scoped_or_404(
        Child.objects.select_related("residence_region__parent"), request.user, pk=child_pk
    )
    require(request.user, "welfare.add_visit", child)
    form = VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            visit = ledger.record_visit(
                child,
                request.user,
                form.cleaned_data["visited_on"],
                form.cleaned_data["risk"],
                form.cleaned_data["notes"],
            )
        except ValueError as exc:
            form.add_error("visited_on", str(exc))
        else:
            if visit.referral:
                messages.warning(
                    request,
                    _("High risk: referral %(reference)s was filed for the area's staff.")
                    % {"reference": visit.referral.reference},
                )
            else:
                messages.success(request, _("Visit recorded."))
            return redirect("datahub:child_detail", pk=child.pk)
    return render(
        request, "welfare/visit_new.html", {"form": form, "child": child, "name": mask_name(child.name)}
    )


@login_required
def visit_schedule(request):
    """Who to visit next: every registered child in the user's area, soonest due first."""
    require(request.user, "welfare.view_visit")
    schedule = ledger.visit_schedule(request.user)
    page = Paginator(schedule, 100).get_page(request.GET.get("page"))
    rows = [
        {"visit": v, "name": mask_name(v.child.name), "id_number": mask_id_number(v.child.id_number)}
        for v in page
    ]
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="welfare.VisitSchedule",
        details={"shown": [v.child.pk for v in page]},
    )
    return render(
        request,
        "welfare/visit_schedule.html",
        {
            "page": page,
            "rows": rows,
            "overdue": sum(1 for v in schedule if v.overdue),
            "total": len(schedule),
            "risks": dict(Visit.Risk.choices),
        },
    )
