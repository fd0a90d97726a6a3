"""Monthly disbursement: who is paid what this month, at the standard in force that month.

Starts, stops and age limits apply by themselves; a month's run is built once (rebuilding a
draft gives the same payments) and paid once. A payment the bank returns is re-issued, once,
in the next month's run, to the account on the application then (corrected in the meantime)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require

from .eligibility import allowance_categories
from .models import AllowanceApplication, AllowanceStandard, DisbursementRun, Payment, Status

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def eighteenth_birthday(birth_date: datetime.date) -> datetime.date:
    try:
        return birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # born on 29 February
        return birth_date.replace(year=birth_date.year + 18, day=28) + datetime.timedelta(days=1)


def standard_for(category: str, month: datetime.date) -> AllowanceStandard | None:
    return (
        AllowanceStandard.objects.filter(category=category, effective_from__lte=month)
        .order_by("-effective_from")
        .first()
    )


def payable(month: datetime.date) -> list[AllowanceApplication]:
    """Applications paid for `month`: active (or terminated after it began), started, and the
    child not yet 18 on the first of the month (paid for the month of the birthday, not after)."""
    candidates = AllowanceApplication.objects.filter(
        Q(status=Status.ACTIVE) | Q(status=Status.TERMINATED, payment_end__gt=month),
        payment_start__lte=month,
        category__in=allowance_categories(),
    ).select_related("child")
    return [a for a in candidates if month_start(eighteenth_birthday(a.child.birth_date)) >= month]


def planned(run: DisbursementRun, month: datetime.date) -> tuple:
    """(regular payments, re-issues, duplicates) the month would pay today, unsaved. Refuses
    when a category has no standard in force."""
    missing = set()
    payments = []
    paid_children: dict = {}
    duplicates = []
    for application in sorted(payable(month), key=lambda a: (a.payment_start, a.pk)):
        standard = standard_for(application.category, month)
        if standard is None:
            missing.add(application.get_category_display())
            continue
        if application.child_id in paid_children:
            # One allowance per child a month (the database refuses a second one too): the
            # earlier application is paid, the other waits for a caseworker to close it.
            duplicates.append((application.pk, paid_children[application.child_id]))
            continue
        paid_children[application.child_id] = application.pk
        payments.append(
            Payment(
                run=run,
                application=application,
                child_id=application.child_id,
                amount=standard.monthly_amount,
                standard=standard,
            )
        )
    if missing:
        raise Refusal(
            _("No allowance standard is in force for %(categories)s in %(month)s.")
            % {"categories": "、".join(sorted(missing)), "month": f"{month:%Y-%m}"}
        )
    # A returned payment is re-issued once; a re-issue the bank returns again is not re-issued
    # every month but waits for a caseworker (returned_twice()).
    reissues = [
        Payment(
            run=run,
            application=returned.application,
            child_id=returned.application.child_id,
            amount=returned.amount,
            standard=returned.standard,
            reissue_of=returned,
        )
        for returned in Payment.objects.filter(
            Q(reissue__isnull=True) | Q(reissue__run=run),  # not re-issued yet, or by this very list
            state=Payment.State.RETURNED,
            reissue_of__isnull=True,
            run__month__lt=month,
        )
        .select_related("application", "standard")
        .distinct()
    ]

    return payments, reissues, duplicates


def _signature(payments: Any) -> Any:
    """What a list pays, for comparing a draft with what the month would pay today."""
    return sorted((p.application_id, p.amount, p.reissue_of_id or 0) for p in payments)


@transaction.atomic
def approve_run(run: DisbursementRun, user: User) -> Any:
    """Approve the draft for the bank: refused when the list no longer pays what the month would
    pay today (a termination, a new standard, a new child since it was prepared): rebuild it
    first. Once approved, the list and its references are frozen."""
    require(user, "welfare.pay_disbursementrun")
    run = DisbursementRun.objects.select_for_update().get(pk=run.pk)
    if run.state != DisbursementRun.State.DRAFT:
        raise Refusal(
            _("Only a draft list can be approved (this one is %(state)s).")
            % {"state": run.get_state_display()}
        )
    regular, reissues, _duplicates = planned(run, run.month)
    if _signature(run.payments.all()) != _signature(regular + reissues):
        raise Refusal(
            _(
                "The list no longer matches today's applications and standards (an allowance ended, "
                "a standard changed or a child was added since it was prepared). Rebuild it, check it, "
                "then approve it."
            )
        )
    run.state, run.approved_by, run.approved_at = DisbursementRun.State.APPROVED, user, timezone.now()
    run.save()
    record(AuditEntry.Action.UPDATE, user=user, obj=run, details={"approved": run.payments.count()})
    return run


@transaction.atomic
def build_run(month: datetime.date, user: User) -> Any:
    """The draft run for `month` (created or rebuilt). Refused once the month is paid."""
    require(user, "welfare.pay_disbursementrun")
    month = month_start(month)
    run, _created = DisbursementRun.objects.select_for_update().get_or_create(
        month=month, defaults={"created_by": user}
    )
    if run.state == DisbursementRun.State.PAID:
        raise Refusal(
            _("%(month)s was paid on %(day)s; it cannot be built again.")
            % {"month": f"{month:%Y-%m}", "day": f"{timezone.localtime(run.paid_at):%Y-%m-%d}"}
        )
    if run.state == DisbursementRun.State.APPROVED:
        raise Refusal(
            _("%(month)s is approved and its bank references issued; it cannot be built again.")
            % {"month": f"{month:%Y-%m}"}
        )
    run.payments.all().delete()
    payments, reissues, duplicates = planned(run, month)
    Payment.objects.bulk_create(payments + reissues)
    run.duplicates = duplicates  # type: ignore[attr-defined]  # shown on the run page, not stored
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=run,
        details={"built": len(payments), "reissued": len(reissues), "duplicates": duplicates},
    )
    return run


def returned_twice() -> QuerySet[Payment]:
    """Re-issues the bank returned again: not re-issued by themselves, for a caseworker to settle
    (a closed account, a wrong payee) with the family."""
    return (
        Payment.objects.filter(state=Payment.State.RETURNED, reissue_of__isnull=False)
        .select_related("run", "application__child", "reissue_of__run")
        .order_by("run__month")
    )


@transaction.atomic
def record_returns(run: DisbursementRun, user: User, rows: Iterable[Any]) -> list:
    """Mark payments the bank returned, from (row number, reference, reason, day) rows: all or
    nothing. Returns the payments marked; raises Refusal with one message per bad row."""
    require(user, "welfare.pay_disbursementrun")
    run = DisbursementRun.objects.select_for_update().get(pk=run.pk)
    if run.state != DisbursementRun.State.PAID:
        raise Refusal([_("Returns can be recorded only for a paid month.")])
    by_reference = {p.reference: p for p in run.payments.select_related("run")}
    errors, marked, seen = [], [], set()
    for number, reference, reason, day in rows:
        reference = (reference or "").strip().upper()
        payment = by_reference.get(reference)
        where = _("Row %(row)s") % {"row": number}
        if payment is None:
            errors.append(
                _("%(where)s: no payment %(reference)s in %(month)s.")
                % {"where": where, "reference": reference or "—", "month": f"{run.month:%Y-%m}"}
            )
        elif reference in seen or payment.state == Payment.State.RETURNED:
            errors.append(
                _("%(where)s: payment %(reference)s is already marked returned.")
                % {"where": where, "reference": reference}
            )
        elif not (reason or "").strip():
            errors.append(_("%(where)s: give the bank's reason.") % {"where": where})
        elif day is None:
            errors.append(_("%(where)s: the return date is missing or not a date.") % {"where": where})
        else:
            seen.add(reference)
            payment.state, payment.return_reason, payment.returned_on = (
                Payment.State.RETURNED,
                reason.strip(),
                day,
            )
            marked.append(payment)
    if errors:
        raise Refusal(errors)
    Payment.objects.bulk_update(marked, ["state", "return_reason", "returned_on"])
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=run,
        details={"returned": [p.reference for p in marked]},
    )
    return marked


def reconciliation(run: DisbursementRun) -> dict[str, Any]:
    """What the month sent, what came back, and where each return was re-issued."""
    payments = list(run.payments.select_related("reissue__run"))
    returned = [p for p in payments if p.state == Payment.State.RETURNED]
    return {
        "sent": len(payments),
        "sent_amount": sum((p.amount for p in payments), Decimal(0)),
        "returned": returned,
        "returned_amount": sum((p.amount for p in returned), Decimal(0)),
        "reissues": sum(1 for p in payments if p.reissue_of_id),
    }


@transaction.atomic
def mark_paid(run: DisbursementRun, user: User) -> Any:
    require(user, "welfare.pay_disbursementrun")
    run = DisbursementRun.objects.select_for_update().get(pk=run.pk)
    if run.state == DisbursementRun.State.DRAFT:
        raise Refusal(_("Approve the list before marking it paid: the bank pays an approved list."))
    if run.state == DisbursementRun.State.PAID:
        raise Refusal(
            _("%(month)s was already paid on %(day)s.")
            % {"month": f"{run.month:%Y-%m}", "day": f"{timezone.localtime(run.paid_at):%Y-%m-%d}"}
        )
    run.state, run.paid_by, run.paid_at = DisbursementRun.State.PAID, user, timezone.now()
    run.save()
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=run,
        details={"paid": run.payments.count(), "total": str(sum(p.amount for p in run.payments.all()))},
    )
    return run


def budget_projection(year: int) -> dict:
    """Next year's cost: every child paid now, for each month of `year` before their 18th birthday
    (or before the payment ends), at the standard in force on 1 January of that year."""
    start = datetime.date(year, 1, 1)
    totals: dict = {}
    active = AllowanceApplication.objects.filter(status=Status.ACTIVE, category__in=allowance_categories())
    counted = set()
    for application in active.select_related("child").order_by("payment_start", "pk"):
        if application.child_id in counted:
            continue  # one allowance per child, as build_run pays it
        counted.add(application.child_id)
        standard = standard_for(application.category, start)
        if standard is None:
            continue
        last = month_start(eighteenth_birthday(application.child.birth_date))
        first = month_start(application.payment_start or start)
        months = len([m for m in range(1, 13) if first <= datetime.date(year, m, 1) <= last])
        entry = totals.setdefault(application.get_category_display(), {"children": 0, "amount": 0})
        entry["children"] += 1
        entry["amount"] += months * standard.monthly_amount
    return totals
