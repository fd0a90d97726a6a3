"""Thin pages over workflow.py: the list with time limits, filing, and the decision page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import can, get_scoped_or_404, require, scoped
from tongyou.core.uploads import upload_limit
from tongyou.core.views import attempt
from tongyou.datahub.models import Child
from tongyou.privacy.masking import mask_account, mask_id_number, mask_name

from . import eligibility, workflow, worklists
from .models import (
    AllowanceApplication,
    Category,
    Evidence,
    EvidenceKind,
    ParentSituation,
    PayeeChange,
    Status,
)

SITUATIONS = [("", "—"), *ParentSituation.choices]


class ApplicationForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    applicant_name = forms.CharField(label=_("Applicant (guardian or relative)"), max_length=50)
    father_situation = forms.ChoiceField(label=_("Father's situation"), choices=SITUATIONS, required=False)
    mother_situation = forms.ChoiceField(label=_("Mother's situation"), choices=SITUATIONS, required=False)


NOT_KEPT = {"data-nokeep": "", "autocomplete": "off"}


class DetailsForm(forms.Form):
    father_situation = forms.ChoiceField(label=_("Father's situation"), choices=SITUATIONS, required=False)
    mother_situation = forms.ChoiceField(label=_("Mother's situation"), choices=SITUATIONS, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    # Names and numbers are never remembered by the browser while typing (core/static/core/keep.js).
    account_holder = forms.CharField(
        label=_("Account holder"), max_length=50, required=False, widget=forms.TextInput(attrs=NOT_KEPT)
    )
    account_holder_id_number = forms.CharField(
        label=_("Account holder's ID number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=NOT_KEPT),
        help_text=_("Leave empty to keep the number on file."),
    )
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=25,
        required=False,
        widget=forms.TextInput(attrs=NOT_KEPT),
        help_text=_("Leave empty to keep the number on file."),
    )


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 5 MB)"))


def _applications(user):
    return scoped(AllowanceApplication.objects.select_related("child__residence_region"), user)


@login_required
def application_list(request):
    require(request.user, "welfare.view_allowanceapplication")
    applications = _applications(request.user)
    if status := request.GET.get("status"):
        applications = applications.filter(status=status)
    if request.GET.get("waiting"):  # the home page's "waiting at your step"
        applications = applications.filter(pk__in=worklists.waiting_at_step(request.user).values("pk"))
    if request.GET.get("payee_changes"):
        changes = worklists.payee_changes_to_decide(request.user).values("application")
        applications = applications.filter(pk__in=changes)
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
            father_situation=form.cleaned_data["father_situation"],
            mother_situation=form.cleaned_data["mother_situation"],
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
    findings = eligibility.assess(app)
    may_edit = can(request.user, "welfare.act_allowanceapplication", app)
    details = DetailsForm(
        initial={
            "father_situation": app.father_situation,
            "mother_situation": app.mother_situation,
            "bank_name": app.bank_name,
            "account_holder": app.account_holder,
        }
    )
    if app.status not in (Status.DRAFT, Status.RETURNED):
        for field in ("father_situation", "mother_situation"):
            details.fields[field].disabled = True
    return render(
        request,
        "welfare/application_detail.html",
        {
            "app": app,
            "name": mask_name(app.child.name),
            "id_number": mask_id_number(app.child.id_number),
            "account_number": mask_account(app.account_number),
            "pending_payee": [
                {
                    "change": c,
                    "holder": mask_name(c.account_holder),
                    "holder_id": mask_id_number(c.account_holder_id_number),
                    "account": mask_account(c.account_number),
                    "may_decide": can(request.user, "welfare.change_payee", app)
                    and c.requested_by_id != request.user.pk,
                }
                for c in app.payee_changes.filter(state="pending").select_related("requested_by")
            ],
            "events": app.events.select_related("actor"),
            "actions": actions,
            "overdue": workflow.is_overdue(app),
            "labels": ACTION_LABELS,
            "irreversible": IRREVERSIBLE,
            "findings": findings,
            "summary": eligibility.summary(findings),
            "evidence": app.evidence.select_related("uploaded_by").defer("content"),
            "may_edit": may_edit,
            "details_form": details,
            "evidence_form": EvidenceForm(),
            "evidence_open": app.status not in workflow.CLOSED_TO_EVIDENCE,
        },
    )


@login_required
@require_POST
def application_details(request, pk):
    app = get_scoped_or_404(AllowanceApplication.objects.select_related("child"), request.user, pk=pk)
    form = DetailsForm(request.POST)
    if form.is_valid():
        values = dict(form.cleaned_data)
        if app.status not in (Status.DRAFT, Status.RETURNED):
            values.pop("father_situation"), values.pop("mother_situation")
        for secret in ("account_number", "account_holder_id_number"):
            if not values[secret]:
                values.pop(secret)  # an empty box keeps the number on file
        try:
            changed = workflow.update_details(app, request.user, **values)
        except Refusal as exc:
            messages.error(request, str(exc))
        else:
            if "payee_change" in changed:
                messages.success(
                    request,
                    gettext("The change of payee is recorded and waits for a second caseworker's approval."),
                )
            elif changed:
                messages.success(request, gettext("Saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("welfare:application_detail", pk=app.pk)


@upload_limit(5 * 1024 * 1024)
@login_required
@require_POST
def evidence_upload(request, pk):
    app = get_scoped_or_404(AllowanceApplication.objects.select_related("child"), request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("welfare:application_detail", pk=app.pk)
    return attempt(
        request,
        lambda: workflow.attach_evidence(
            app, request.user, form.cleaned_data["kind"], form.cleaned_data["file"]
        ),
        lambda evidence: (
            gettext("Attached: %(kind)s (kept encrypted).") % {"kind": evidence.get_kind_display()}
        ),
        "welfare:application_detail",
        pk=app.pk,
    )


@login_required
def evidence_file(request, pk):
    """Open an attached document: scoped like its application, and logged as a read."""
    evidence = get_scoped_or_404(Evidence.objects.select_related("application"), request.user, pk=pk)
    record(AuditEntry.Action.READ, request=request, obj=evidence, details={"kind": evidence.kind})
    response = HttpResponse(workflow.evidence_bytes(evidence), content_type=evidence.content_type)
    response["Content-Disposition"] = f'inline; filename="evidence-{evidence.pk}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def application_act(request, pk):
    app = get_scoped_or_404(AllowanceApplication.objects.select_related("child"), request.user, pk=pk)
    action = request.POST.get("action", "")
    return attempt(
        request,
        lambda: workflow.transition(
            app,
            action,
            request.user,
            reason=request.POST.get("reason", ""),
            seen=request.POST.get("seen", ""),
        ),
        lambda _result: (
            gettext("Done: %(action)s. The application is now '%(status)s'.")
            % {"action": ACTION_LABELS.get(action, action), "status": app.get_status_display()}
        ),
        "welfare:application_detail",
        pk=app.pk,
    )


def public_notice(request):
    """公示 (no login): orphans approved for the allowance, during their notice period only."""
    from . import notice

    return render(
        request, "welfare/public_notice.html", {"rows": notice.on_notice(), "today": timezone.localdate()}
    )


@login_required
@require_POST
def payee_change_decide(request, pk):
    change = get_scoped_or_404(PayeeChange.objects.select_related("application__child"), request.user, pk=pk)
    require(request.user, "welfare.change_payee", change.application)
    approve = request.POST.get("decision") == "approve"
    return attempt(
        request,
        lambda: workflow.decide_payee_change(change, request.user, approve),
        gettext("Applied.") if approve else gettext("Rejected."),
        "welfare:application_detail",
        pk=change.application_id,
    )


# Steps that cannot be undone ask first (core/static/core/confirm.js reads data-confirm).
IRREVERSIBLE = {"withdraw", "town_reject", "county_reject", "terminate"}
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
    "suspend": _("Suspend payment while a change is verified"),
    "resume": _("Resume payment"),
    "terminate": _("Stop payment (adoption, death, change of situation)"),
}
