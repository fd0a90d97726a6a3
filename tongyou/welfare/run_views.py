"""Monthly disbursement pages for the district civil-affairs bureau: standards, runs, payment files."""

import datetime
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import require
from tongyou.datahub.services.export import XLSX
from tongyou.privacy.masking import mask_id_number, mask_name

from . import disbursement
from .models import AllowanceStandard, DisbursementRun


class MonthForm(forms.Form):
    month = forms.DateField(
        label=gettext_lazy("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )


class StandardForm(forms.ModelForm):
    class Meta:
        model = AllowanceStandard
        fields = ["category", "monthly_amount", "effective_from", "basis"]
        widgets = {"effective_from": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"]
        if day.day != 1:
            raise forms.ValidationError(_("A standard takes effect on the first day of a month."))
        if disbursement.month_start(day) <= (
            DisbursementRun.objects.filter(state="paid")
            .order_by("-month")
            .values_list("month", flat=True)
            .first()
            or datetime.date.min
        ):
            raise forms.ValidationError(_("Months already paid cannot change: pick a later month."))
        return day


@login_required
def runs(request):
    require(request.user, "welfare.pay_disbursementrun")
    month_form = MonthForm(request.POST or None, prefix="run")
    standard_form = StandardForm(request.POST or None, prefix="standard")
    if request.method == "POST" and "run-month" in request.POST and month_form.is_valid():
        try:
            run = disbursement.build_run(month_form.cleaned_data["month"], request.user)
        except disbursement.RunRefused as exc:
            messages.error(request, str(exc))
        else:
            return redirect("welfare:run_detail", pk=run.pk)
    if request.method == "POST" and "standard-category" in request.POST and standard_form.is_valid():
        standard = standard_form.save()
        record(
            AuditEntry.Action.CREATE,
            request=request,
            obj=standard,
            details={"category": standard.category, "amount": str(standard.monthly_amount)},
        )
        return redirect("welfare:runs")
    return render(
        request,
        "welfare/runs.html",
        {
            "runs": DisbursementRun.objects.all()[:24],
            "standards": AllowanceStandard.objects.all(),
            "month_form": month_form,
            "standard_form": standard_form,
            "projection": disbursement.budget_projection(timezone.localdate().year + 1),
        },
    )


@login_required
def run_detail(request, pk):
    require(request.user, "welfare.pay_disbursementrun")
    run = get_object_or_404(DisbursementRun, pk=pk)
    payments = run.payments.select_related("application__child").order_by(
        "application__child__residence_region"
    )
    rows = [
        {
            "name": mask_name(p.application.child.name),
            "id_number": mask_id_number(p.application.child.id_number),
            "applicant": p.application.applicant_name,
            "category": p.application.get_category_display(),
            "amount": p.amount,
        }
        for p in payments
    ]
    record(AuditEntry.Action.READ, request=request, obj=run)
    return render(
        request,
        "welfare/run_detail.html",
        {"run": run, "rows": rows, "total": sum(r["amount"] for r in rows)},
    )


@login_required
@require_POST
def run_pay(request, pk):
    run = get_object_or_404(DisbursementRun, pk=pk)
    try:
        disbursement.mark_paid(run, request.user)
    except disbursement.RunRefused as exc:
        messages.error(request, str(exc))
    return redirect("welfare:run_detail", pk=run.pk)


@login_required
def run_file(request, pk):
    """The payment list for the bank or the finance office (Excel). Bank accounts are not held by
    Tongyou yet: the finance office matches payees by name and masked ID."""
    require(request.user, "welfare.pay_disbursementrun")
    run = get_object_or_404(DisbursementRun, pk=pk)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{run.month:%Y-%m}"
    sheet.append(
        [
            _("Payment list for %(month)s, prepared by %(user)s at %(time)s.")
            % {
                "month": f"{run.month:%Y-%m}",
                "user": request.user.get_username(),
                "time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            }
        ]
    )
    sheet.append([_("Payee"), _("Child"), _("ID number (masked)"), _("Category"), _("Amount (yuan)")])
    for p in run.payments.select_related("application__child"):
        child = p.application.child
        sheet.append(
            [
                p.application.applicant_name,
                mask_name(child.name),
                mask_id_number(child.id_number),
                p.application.get_category_display(),
                float(p.amount),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    record(AuditEntry.Action.EXPORT, request=request, obj=run, details={"format": "xlsx"})
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="payments-{run.month:%Y-%m}.xlsx"'
    return response
