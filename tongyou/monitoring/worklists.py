"""What waits for reporting units and the coordinator: reports to write or revise, reports and
values to review."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can

from . import reports
from .models import ProgressReport, ReportingRound

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def work(user: User) -> Iterator[WorkItem]:
    reporting_round = ReportingRound.objects.select_related("plan").first()
    if reporting_round is None:
        return
    url = reverse("monitoring:my_reports")
    late = timezone.localdate() > reporting_round.deadline
    unit = getattr(user, "unit", None)
    if unit is not None and can(user, "monitoring.report_for_unit", unit):
        owed = reports.outstanding(reporting_round, unit).count()
        yield WorkItem(
            _("Progress reports your unit owes"),
            url,
            owed,
            owed if late else 0,
            detail=_("Deadline %(day)s") % {"day": reporting_round.deadline.isoformat()},
        )
    if can(user, "monitoring.review_progressreport"):
        yield WorkItem(
            _("Progress reports to review"),
            url,
            reporting_round.reports.filter(state=ProgressReport.State.SUBMITTED).count(),
        )
        yield WorkItem(
            _("Units overdue with their reports"), url, len(reports.overdue_units(reporting_round))
        )
        pending = reports.choices_pending(reporting_round.plan)
        yield WorkItem(
            _("Tasks where you choose the relevant units"),
            reverse("monitoring:task_edit", args=[pending[0].pk]) if pending else url,
            len(pending),
            detail=_("The plan says 全体相关单位 or 各相关镇办: only the units you choose owe a report."),
        )
