"""Thin pages over workflow.py: the list with time limits, filing, and the decision page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import get_scoped_or_404, require, scoped
from tongyou.datahub.models import Child
from tongyou.privacy.masking import mask_id_number, mask_name

from . import workflow
from .models import AllowanceApplication, Category, Status


class ApplicationForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    applicant_name = forms.CharField(label=_("Applicant (guardian or relative)"), max_length=50)


def _applications(user):
    return scoped(AllowanceApplication.objects.select_related("child__residence_region"), user)


@login_required
def application_list(request):
    require(request.user, "welfare.view_allowanceapplication")
    applications = _applications(request.user)
    if status := request.GET.get("status"):
        applications = applications.filter(status=status)
    today = timezone.localdate()
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    rows = [
        {"app": a, "name": mask_name(a.child.name), "overdue": workflow.is_overdue(a, today)} for a in page
    ]
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="welfare.AllowanceApplication",
        details={"status": status or "", "shown": [a.pk for a in page]},
    )
    return render(
        request,
        "welfare/application_list.html",
        {"page": page, "rows": rows, "statuses": Status.choices, "status": status},
    )


@login_required
def application_new(request, child_pk):
    child = get_scoped_or_404(Child.objects.select_related("residence_region"), request.user, pk=child_pk)
    require(request.user, "welfare.add_allowanceapplication", child)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        app = workflow.file_application(
            child,
            form.cleaned_data["category"],
            form.cleaned_data["applicant_name"],
            request.user,
            request=request,
        )
        return redirect("welfare:application_detail", pk=app.pk)
    return render(
        request, "welfare/application_new.html", {"form": form, "child": child, "name": mask_name(child.name)}
    )


@login_required
def application_detail(request, pk):
    app = get_scoped_or_404(AllowanceApplication.objects.select_related("child"), request.user, pk=pk)
    record(AuditEntry.Action.READ, request=request, obj=app)
    actions = [
        (name, workflow.STEPS[name].needs_reason) for name in workflow.allowed_actions(app, request.user)
    ]
    return render(
        request,
        "welfare/application_detail.html",
        {
            "app": app,
            "name": mask_name(app.child.name),
            "id_number": mask_id_number(app.child.id_number),
            "events": app.events.select_related("actor"),
            "actions": actions,
            "overdue": workflow.is_overdue(app),
            "labels": ACTION_LABELS,
        },
    )


@login_required
@require_POST
def application_act(request, pk):
    app = get_scoped_or_404(AllowanceApplication.objects.select_related("child"), request.user, pk=pk)
    try:
        workflow.transition(
            app,
            request.POST.get("action", ""),
            request.user,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except workflow.TransitionRefused as exc:
        messages.error(request, str(exc))
    return redirect("welfare:application_detail", pk=app.pk)


ACTION_LABELS = {
    "submit": _("Submit to the street or town"),
    "withdraw": _("Withdraw"),
    "town_approve": _("Street or town: approve and forward"),
    "town_return": _("Return for more evidence"),
    "town_reject": _("Reject"),
    "county_approve": _("District: approve"),
    "county_return": _("Return for more evidence"),
    "county_reject": _("Reject"),
    "end_notice": _("End the public notice"),
    "sign_agreement": _("Record the signed guardianship agreement"),
    "appeal": _("Appeal"),
    "terminate": _("Stop payment (adoption, death, change of situation)"),
}
