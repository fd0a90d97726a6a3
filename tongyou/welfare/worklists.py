"""What waits for welfare staff on their home page: applications at their step, harm reports to
handle, children to visit, account changes to approve. Counts of the user's own work inside their
jurisdiction, for roles that may open every item; never a statistic."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can, scoped

from . import harm, ledger
from .models import AllowanceApplication, HarmReport, PayeeChange, Status
from .workflow import WAITING_ON

if TYPE_CHECKING:
    from tongyou.accounts.models import User

CLOCKED = (Status.SUBMITTED, Status.TOWN_APPROVED, Status.APPEALED)
VISITS_AHEAD_DAYS = 7


def waiting_at_step(user: User) -> QuerySet[AllowanceApplication]:
    """Applications in the user's area that wait on the user's role."""
    statuses = [status for status, roles in WAITING_ON.items() if getattr(user, "role", None) in roles]
    return scoped(AllowanceApplication.objects.filter(status__in=statuses), user)


def work(user: User) -> Iterator[WorkItem]:
    today = timezone.localdate()
    if can(user, "welfare.act_allowanceapplication"):
        waiting = waiting_at_step(user)
        yield WorkItem(
            _("Allowance applications waiting at your step"),
            reverse("welfare:application_list") + "?waiting=1",
            waiting.count(),
            waiting.filter(status__in=CLOCKED, step_due__lt=today).count(),
        )
    if can(user, "welfare.view_harmreport"):
        reports = scoped(HarmReport.objects.filter(state__in=harm.OPEN_STATES), user)
        yield WorkItem(
            _("Harm reports to triage or handle"),
            reverse("welfare:report_list"),
            reports.count(),
            reports.filter(due_at__lt=timezone.now()).count(),
        )
    if can(user, "welfare.view_visit"):
        schedule = ledger.visit_schedule(user, today)
        due = [v for v in schedule if (v.due - today).days <= VISITS_AHEAD_DAYS]
        yield WorkItem(
            _("Visits due within a week"),
            reverse("welfare:visit_schedule"),
            len(due),
            sum(1 for v in due if v.overdue),
        )
    if can(user, "welfare.change_payee"):
        yield WorkItem(
            _("Account changes waiting for a second caseworker"),
            reverse("welfare:application_list") + "?payee_changes=1",
            payee_changes_to_decide(user).count(),
        )


def payee_changes_to_decide(user: User) -> QuerySet[PayeeChange]:
    """Changes of account another caseworker proposed, in the user's area (the proposer cannot
    approve their own)."""
    pending = PayeeChange.objects.filter(state=PayeeChange.State.PENDING).exclude(requested_by=user)
    return scoped(pending, user)
