"""Progress reports (安全保障 五(四)): every unit reports once a year, by year end, on each task it
leads or joins; the 妇儿工委 office accepts or returns each report with a comment.

draft → submitted → accepted, or → returned → submitted again. A report's indicator values
travel with it: submitted with it, returned with it, accepted with it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongyou.accounts.models import Unit, User
from tongyou.accounts.roles import ADMINISTRATORS, Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import uploads
from tongyou.core.errors import Refusal
from tongyou.core.notifications import notify
from tongyou.core.scoping import require
from tongyou.core.workflow import Flow, Step, latest_actor, lock

from .models import IndicatorValue, PlanTask, ProgressReport, ReportEvent, ReportEvidence, ReportingRound

if TYPE_CHECKING:
    from tongyou.monitoring.models import Plan

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# What a unit attaches: documents, photos, spreadsheets.
EVIDENCE_TYPES = {**uploads.PDF, **uploads.IMAGES, **uploads.OFFICE}
EDITABLE = (ProgressReport.State.DRAFT, ProgressReport.State.RETURNED)


def tasks_of(unit: Unit, plan: Plan) -> QuerySet[PlanTask]:
    """The plan's tasks a unit leads or joins."""
    return (
        PlanTask.objects.filter(area__plan=plan)
        .filter(
            pk__in=unit.led_tasks.values("pk")
            .union(unit.joined_tasks.values("pk"))
            .union(unit.chosen_tasks.values("pk"))
        )
        .select_related("area")
        .order_by("area__number", "number")
    )


def owed_reports(reporting_round: ReportingRound) -> set:
    """{(unit id, task id)}: every report the round expects."""
    tasks = PlanTask.objects.filter(area__plan=reporting_round.plan)
    owed = set()
    for relation in ("lead_units", "participating_units", "chosen_units"):
        owed |= {(unit_id, task_id) for task_id, unit_id in tasks.values_list("pk", relation) if unit_id}
    return owed


def choices_pending(plan: Plan) -> list[PlanTask]:
    """Tasks whose plan text leaves the units to the office, with none chosen yet."""
    tasks = PlanTask.objects.filter(area__plan=plan).prefetch_related("chosen_units")
    return [
        t for t in tasks.order_by("area__number", "number") if t.leaves_a_choice and not t.chosen_units.all()
    ]


def unit_staff(unit: Unit) -> QuerySet[User]:
    """The people who report for a unit: its staff, researchers excepted."""
    return User.objects.filter(unit=unit, is_active=True).exclude(role__in=[Role.RESEARCHER, *ADMINISTRATORS])


def coordinators() -> QuerySet[User]:
    return User.objects.filter(role=Role.COORDINATOR, is_active=True)


@transaction.atomic
def open_round(
    year: int, deadline: Any, plan: Plan, user: User, quarter: int | None = None, remind_days: Any = 14
) -> Any:
    require(user, "monitoring.review_progressreport")
    reporting_round, _created = ReportingRound.objects.update_or_create(
        year=year, quarter=quarter, defaults={"deadline": deadline, "plan": plan, "remind_days": remind_days}
    )
    record(AuditEntry.Action.UPDATE, user=user, obj=reporting_round, details={"deadline": str(deadline)})
    return reporting_round


def report_for(reporting_round: ReportingRound, unit: Unit, task: PlanTask, user: User) -> ProgressReport:
    """The unit's report on the task for the round, created as a draft when first opened."""
    require(user, "monitoring.report_for_unit", unit)
    if not tasks_of(unit, reporting_round.plan).filter(pk=task.pk).exists():
        raise Refusal(_("%(unit)s neither leads nor joins this task.") % {"unit": unit.name})
    report, _created = ProgressReport.objects.get_or_create(round=reporting_round, unit=unit, task=task)
    return report


def _history(report: ProgressReport, action: str, user: User, comment: str, previous: Any) -> None:
    ReportEvent.objects.create(report=report, action=action, actor=user, comment=comment)


def last_actor(report: ProgressReport) -> str:
    return latest_actor(report.events)


# A unit submits (its own permission, checked on the unit first); the office returns or accepts.
# Two coordinators reviewing at once, or a unit's colleague submitting too: the second is told
# who moved the report, and to what.
REPORT_FLOW = Flow(
    state_field="state",
    permission="",
    changed_by=last_actor,
    history=_history,
    steps={
        "submit": Step(EDITABLE, ProgressReport.State.SUBMITTED),
        "return": Step(
            (ProgressReport.State.SUBMITTED,),
            ProgressReport.State.RETURNED,
            needs_reason=True,
            reason_missing=gettext_lazy("Say what the unit should fix."),
            otherwise=gettext_lazy("Only a submitted report can be returned."),
        ),
        "accept": Step(
            (ProgressReport.State.SUBMITTED,),
            ProgressReport.State.ACCEPTED,
            otherwise=gettext_lazy("Only a submitted report can be accepted."),
        ),
    },
)


def _editable(report: ProgressReport, user: User) -> None:
    require(user, "monitoring.report_for_unit", report.unit)
    lock(report)  # read again inside the transaction: a coordinator may have just accepted it
    if report.state not in EDITABLE:
        raise Refusal(
            _("The report is %(state)s and cannot be changed.") % {"state": report.get_state_display()}
        )


@transaction.atomic
def save(report: ProgressReport, user: User, progress: Any, narrative: Any) -> Any:
    _editable(report, user)
    if progress and progress not in ProgressReport.Progress.values:
        raise Refusal(_("Choose the task's progress."))
    report.progress, report.narrative = progress, narrative.strip()
    report.save()
    return report


@transaction.atomic
def add_evidence(
    report: ProgressReport, user: User, caption: Any, uploaded: UploadedFile | None = None, url: str = ""
) -> Any:
    _editable(report, user)
    if not caption.strip():
        raise Refusal(_("Say what the evidence shows."))
    if uploaded is None and not url:
        raise Refusal(_("Attach a file or give a link."))
    evidence = ReportEvidence(report=report, caption=caption.strip(), url=url, uploaded_by=user)
    if uploaded is not None:
        content_type, content = uploads.accept(
            uploaded,
            EVIDENCE_TYPES,
            EVIDENCE_MAX_BYTES,
            too_large=_("The file is larger than 10 MB."),
            wrong_kind=_("Attach a PDF, photo (JPEG or PNG), Word or Excel file."),
        )
        evidence.filename, evidence.content_type, evidence.content = (
            (uploaded.name or "")[-200:],
            content_type,
            content,
        )
    evidence.save()
    return evidence


@transaction.atomic
def submit(report: ProgressReport, user: User) -> Any:
    _editable(report, user)  # the unit's permission; "cannot be changed" once submitted
    step = REPORT_FLOW.start(report, "submit", user)
    if not report.progress or not report.narrative:
        raise Refusal(_("Give the task's progress and describe what was done before submitting."))
    # The first submission counts for the on-time rate; a resubmission after a return does not move it.
    REPORT_FLOW.finish(report, step, "submit", user, submitted_at=report.submitted_at or timezone.now())
    report.indicator_values.update(state=IndicatorValue.State.SUBMITTED)
    notify(
        coordinators(),
        f"monitoring.report.{report.pk}.submit.{report.events.count()}",
        _("%(unit)s submitted its report on %(task)s.")
        % {"unit": report.unit.name, "task": report.task.title},
        reverse("monitoring:report_detail", args=[report.pk]),
    )
    return report


@transaction.atomic
def return_report(report: ProgressReport, user: User, comment: str) -> Any:
    require(user, "monitoring.review_progressreport")
    _review(report, user, REPORT_FLOW.start(report, "return", user, reason=comment), comment)
    report.indicator_values.update(state=IndicatorValue.State.RETURNED)
    notify(
        unit_staff(report.unit),
        f"monitoring.report.{report.pk}.return.{report.events.count()}",
        _("Your report on %(task)s was returned: %(comment)s")
        % {"task": report.task.title, "comment": comment},
        reverse("monitoring:report_detail", args=[report.pk]),
    )
    return report


@transaction.atomic
def accept(report: ProgressReport, user: User, comment: str = "") -> Any:
    require(user, "monitoring.review_progressreport")
    _review(report, user, REPORT_FLOW.start(report, "accept", user), comment)
    report.indicator_values.update(state=IndicatorValue.State.ACCEPTED)
    return report


def _review(report: ProgressReport, user: User, step: Any, comment: str) -> None:
    action = "accept" if step.target == ProgressReport.State.ACCEPTED else "return"
    REPORT_FLOW.finish(
        report,
        step,
        action,
        user,
        comment,
        review_comment=comment.strip(),
        reviewed_by=user,
        reviewed_at=timezone.now(),
    )


def outstanding(reporting_round: ReportingRound, unit: Unit) -> QuerySet[PlanTask]:
    """The tasks the unit still owes a report on (not yet submitted, or returned)."""
    done = reporting_round.reports.filter(
        unit=unit, state__in=[ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED]
    ).values("task")
    return tasks_of(unit, reporting_round.plan).exclude(pk__in=done)


def overdue_units(reporting_round: ReportingRound, today: datetime.date | None = None) -> list:
    """[(unit, outstanding tasks)] once the deadline has passed."""
    today = today or timezone.localdate()
    if today <= reporting_round.deadline:
        return []
    unit_ids = {unit_id for unit_id, _task in owed_reports(reporting_round)}
    rows = []
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("code"):
        tasks = list(outstanding(reporting_round, unit))
        if tasks:
            rows.append((unit, tasks))
    return rows


def remind(today: datetime.date | None = None) -> int:
    """Before a deadline, remind units with reports outstanding; after it, tell them and the
    coordinators they are overdue. Each reminder is sent once. Returns the number of units told."""
    today = today or timezone.localdate()
    told = 0
    for reporting_round in ReportingRound.objects.filter(
        deadline__gte=today - datetime.timedelta(days=366), deadline__lte=today + datetime.timedelta(days=60)
    ):
        first_reminder = reporting_round.deadline - datetime.timedelta(days=reporting_round.remind_days)
        unit_ids = {unit_id for unit_id, _task in owed_reports(reporting_round)}
        for unit in Unit.objects.filter(pk__in=unit_ids):
            count = outstanding(reporting_round, unit).count()
            if not count:
                continue
            url = reverse("monitoring:my_reports")
            if first_reminder <= today <= reporting_round.deadline:
                told += bool(
                    notify(
                        unit_staff(unit),
                        f"monitoring.round.{reporting_round.pk}.{unit.pk}.remind",
                        _("%(count)s reports for %(period)s are due by %(deadline)s.")
                        % {
                            "count": count,
                            "period": reporting_round.period,
                            "deadline": reporting_round.deadline,
                        },
                        url,
                    )
                )
            elif today > reporting_round.deadline:
                message = _("Overdue: %(unit)s owes %(count)s reports for %(period)s (due %(deadline)s).") % {
                    "unit": unit.name,
                    "count": count,
                    "period": reporting_round.period,
                    "deadline": reporting_round.deadline,
                }
                told += bool(
                    notify(
                        [*unit_staff(unit), *coordinators()],
                        f"monitoring.round.{reporting_round.pk}.{unit.pk}.overdue",
                        message,
                        url,
                    )
                )
    return told
