"""Monthly disbursement pages for the district civil-affairs bureau: standards, runs, the payment list
and the bank file (from the accounts recorded on each application, encrypted and shown masked),
returns and spot checks."""

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal, join_messages
from tongyou.core.exports import download
from tongyou.core.scoping import can, get_scoped_or_404, require, scoped
from tongyou.core.spreadsheets import FileError, read_table
from tongyou.core.spreadsheets.cells import CellError, parse_date
from tongyou.core.uploads import upload_limit
from tongyou.core.views import attempt
from tongyou.privacy.masking import mask_id_number, mask_name

from . import disbursement, exports, spotchecks
from .models import AllowanceStandard, DisbursementRun, Payment, SpotCheck, SpotCheckItem


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
        except Refusal as exc:
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
    payments = run.payments.select_related("application__child", "run").order_by(
        "application__child__residence_region", "pk"
    )
    rows = [
        {
            "reference": p.reference,
            "reissue": p.reissue_of_id is not None,
            "returned": p.state == Payment.State.RETURNED,
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
        {
            "run": run,
            "rows": rows,
            "total": sum(r["amount"] for r in rows),
            "reconciliation": disbursement.reconciliation(run),
            "returned_twice": [
                {
                    "reference": p.reference,
                    "first": p.reissue_of.reference,
                    "name": mask_name(p.application.child.name),
                    "application": p.application_id,
                    "reason": p.return_reason,
                }
                for p in disbursement.returned_twice()
            ],
            "returns_form": ReturnsForm(),
            "spot_checks": run.spot_checks.all(),
            "default_rate": spotchecks.default_rate(),
        },
    )


@login_required
@require_POST
def run_approve(request, pk):
    run = get_object_or_404(DisbursementRun, pk=pk)
    return attempt(
        request,
        lambda: disbursement.approve_run(run, request.user),
        _("Approved: the bank file can now be downloaded; the list can no longer change."),
        "welfare:run_detail",
        pk=run.pk,
    )


@login_required
@require_POST
def run_pay(request, pk):
    run = get_object_or_404(DisbursementRun, pk=pk)
    return attempt(
        request,
        lambda: disbursement.mark_paid(run, request.user),
        _("Marked as paid."),
        "welfare:run_detail",
        pk=run.pk,
    )


@login_required
def run_file(request, pk):
    """The payment list for the finance office (Excel), with a total row; the bank file is the
    CSV made from the approved list."""
    require(request.user, "welfare.pay_disbursementrun")
    run = get_object_or_404(DisbursementRun, pk=pk)
    content = exports.payment_list(run, request.user)
    record(AuditEntry.Action.EXPORT, request=request, obj=run, details={"format": "xlsx"})
    return download(content, f"payments-{run.month:%Y-%m}.xlsx")


BANK_FILE_COLUMNS = ["序号", "户名", "身份证号码", "账号", "开户行", "金额", "摘要", "业务参考号"]


@login_required
def bank_file(request, pk):
    """The bank's batch-payment file (CSV, UTF-8 with BOM so Excel opens it): one row per transfer,
    full account numbers, the reference the bank quotes back in its return file. Downloading it
    is logged."""
    require(request.user, "welfare.pay_disbursementrun")
    run = get_object_or_404(DisbursementRun, pk=pk)
    if run.state == DisbursementRun.State.DRAFT:
        messages.error(
            request, _("Approve the list first: the bank file is made only from an approved list.")
        )
        return redirect("welfare:run_detail", pk=run.pk)
    payments = run.payments.select_related("application", "run").order_by("pk")
    missing = [
        p.application_id
        for p in payments
        if not p.application.account_number or not p.application.account_holder_id_number
    ]
    if missing:
        messages.error(
            request,
            _("No bank account or account holder's ID number is recorded for applications %(numbers)s.")
            % {"numbers": "、".join(f"#{n}" for n in missing)},
        )
        return redirect("welfare:run_detail", pk=run.pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(BANK_FILE_COLUMNS)
    for number, p in enumerate(payments, start=1):
        summary = _("Allowance %(month)s") % {"month": f"{run.month:%Y-%m}"}
        if p.reissue_of_id:
            summary = _("Re-issue of %(reference)s") % {"reference": p.reissue_of.reference}
        writer.writerow(
            [
                number,
                p.application.account_holder,
                p.application.account_holder_id_number,
                p.application.account_number,
                p.application.bank_name,
                f"{p.amount:.2f}",
                summary,
                p.reference,
            ]
        )
    # Control totals, as banks check a batch file: the number of transfers and their sum.
    total = sum((p.amount for p in payments), Decimal(0))
    writer.writerow(["合计", "", "", "", "", f"{total:.2f}", f"共{len(payments)}笔", ""])
    record(AuditEntry.Action.EXPORT, request=request, obj=run, details={"format": "bank-csv"})
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="bank-{run.month:%Y-%m}.csv"'
    response["Cache-Control"] = "no-store"
    return response


class ReturnsForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Bank return file"),
        help_text=gettext_lazy("Excel or CSV with the columns 业务参考号, 退回原因 and 退回日期."),
    )


# Each column by the names banks' return files give it.
RETURN_COLUMNS = {
    "reference": ("业务参考号", "参考号", "业务编号", "流水号"),
    "reason": ("退回原因", "失败原因", "退票原因"),
    "day": ("退回日期", "退票日期", "交易日期"),
}


@upload_limit(10 * 1024 * 1024)
@login_required
@require_POST
def run_returns(request, pk):
    """Reconcile the bank's return file: every row names a payment of this month; all or nothing."""
    require(request.user, "welfare.pay_disbursementrun")
    run = get_object_or_404(DisbursementRun, pk=pk)
    form = ReturnsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the bank's return file."))
        return redirect("welfare:run_detail", pk=run.pk)
    upload = form.cleaned_data["file"]
    try:
        match, rows, _warnings = read_table(
            upload.name, upload.read(), RETURN_COLUMNS, required=list(RETURN_COLUMNS)
        )
        index = match.positions
        width = max(index.values()) + 1
        parsed = []
        for number, values in rows:
            values = values + [""] * (width - len(values))
            try:
                day = parse_date(values[index["day"]])[0]
            except CellError:
                day = None  # record_returns names the row
            parsed.append(
                (number, str(values[index["reference"]] or ""), str(values[index["reason"]] or ""), day)
            )
        marked = disbursement.record_returns(run, request.user, parsed)
    except FileError as exc:
        messages.error(request, str(exc))
    except Refusal as exc:
        messages.error(request, _("Nothing was recorded. %(errors)s") % {"errors": join_messages(exc.errors)})
    else:
        messages.success(
            request,
            _("%(count)s returned payments recorded; they will be re-issued in the next month's run.")
            % {"count": len(marked)},
        )
    return redirect("welfare:run_detail", pk=run.pk)


@login_required
@require_POST
def spot_check_draw(request, pk):
    require(request.user, "welfare.pay_disbursementrun")
    run = get_object_or_404(DisbursementRun, pk=pk)
    try:
        rate = Decimal(request.POST.get("rate") or spotchecks.default_rate())
        seed = int(request.POST["seed"]) if request.POST.get("seed") else None
    except (InvalidOperation, ValueError):
        messages.error(request, _("The sampling rate and the seed must be numbers."))
        return redirect("welfare:run_detail", pk=run.pk)
    try:
        check = spotchecks.draw(run, request.user, rate=rate, seed=seed)
    except Refusal as exc:
        messages.error(request, str(exc))
        return redirect("welfare:run_detail", pk=run.pk)
    messages.success(
        request,
        _("Drawn: %(n)s payments to check; the streets see them in their spot-check list.")
        % {"n": check.items.count()},
    )
    return redirect("welfare:spot_check_detail", pk=check.pk)


@login_required
def spot_check_detail(request, pk):
    """One draw: its seed (so anyone can redraw it), its items by street, and their findings."""
    require(request.user, "welfare.pay_disbursementrun")
    check = get_object_or_404(SpotCheck.objects.select_related("run", "created_by"), pk=pk)
    items = check.items.select_related("street", "payment__application__child", "payment__run")
    record(AuditEntry.Action.READ, request=request, obj=check)
    return render(request, "welfare/spot_check_detail.html", _items_context(check, items))


@login_required
def spot_check_items(request):
    """The items a street or community must check, and open problems, within the user's area."""
    require(request.user, "welfare.view_spotcheckitem")
    items = scoped(
        SpotCheckItem.objects.select_related("street", "payment__application__child", "payment__run"),
        request.user,
    ).exclude(resolved_on__isnull=False)
    items = items.filter(finding__in=[SpotCheckItem.Finding.PENDING, SpotCheckItem.Finding.PROBLEM])
    record(AuditEntry.Action.LIST, request=request, object_type="welfare.SpotCheckItem")
    return render(request, "welfare/spot_check_detail.html", _items_context(None, items[:500]))


def _items_context(check, items):
    today = timezone.localdate()
    rows = [
        {
            "item": item,
            "name": mask_name(item.payment.application.child.name),
            "reference": item.payment.reference,
            "overdue": item.follow_up_due is not None
            and item.resolved_on is None
            and item.follow_up_due < today,
        }
        for item in items
    ]
    return {"check": check, "rows": rows, "findings": SpotCheckItem.Finding.choices[1:]}


@login_required
@require_POST
def spot_check_item(request, pk):
    item = get_scoped_or_404(SpotCheckItem.objects.select_related("spot_check"), request.user, pk=pk)
    try:
        if request.POST.get("resolution") is not None:
            spotchecks.resolve(item, request.user, request.POST["resolution"])
        else:
            spotchecks.record_finding(
                item,
                request.user,
                request.POST.get("finding", ""),
                request.POST.get("note", ""),
            )
    except Refusal as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded."))
    back = request.POST.get("back") or ""
    if back == "detail" and can(request.user, "welfare.pay_disbursementrun"):
        return redirect("welfare:spot_check_detail", pk=item.spot_check_id)
    return redirect("welfare:spot_check_items")
