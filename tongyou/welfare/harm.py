"""Mandatory reports of harm (强制报告) and the discover-report-respond mechanism.

A report starts a clock at once: triage within HARM_TRIAGE_MINUTES; once triaged, a response
within the time set for its urgency. Clock times are calendar time, not working days: harm does
not wait for Monday. Reports past their clock are escalated (`escalate_overdue`, run every few
minutes by `manage.py escalate_harm_reports`) and listed first. The reporter's name and phone
are encrypted and shown only to the handling roles; the public gets a reference number only.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import require

from .models import HarmAction, HarmReport

DEFAULT_CLOCKS = {"triage": 60, "immediate": 60, "urgent": 24 * 60, "normal": 3 * 24 * 60}  # minutes


class ReportRefused(ValueError):
    pass


def clock(name):
    return datetime.timedelta(minutes=getattr(settings, "HARM_REPORT_CLOCKS", DEFAULT_CLOCKS)[name])


def new_reference():
    return "BG" + timezone.localtime().strftime("%y%m%d") + secrets.token_hex(3).upper()


@transaction.atomic
def receive(
    *,
    situation,
    description,
    region,
    place="",
    child_name="",
    reporter_name="",
    reporter_phone="",
    from_public=True,
    child=None,
):
    now = timezone.now()
    report = HarmReport.objects.create(
        reference=new_reference(),
        situation=situation,
        description=description,
        region=region,
        place=place,
        child_name=child_name,
        child=child,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        from_public=from_public,
        received_at=now,
        due_at=now + clock("triage"),
    )
    # The model's audit signal records the creation (field names only, never the reporter).
    return report


@transaction.atomic
def triage(report, user, urgency, handler, note="", request=None):
    require(user, "welfare.handle_harmreport", report)
    if report.state != HarmReport.State.RECEIVED:
        raise ReportRefused(_("This report has already been triaged."))
    report.urgency, report.handler = urgency, handler
    report.state = HarmReport.State.ASSIGNED
    report.due_at = timezone.now() + clock(urgency)
    report.escalated = False
    report.save()
    summary = f"{report.get_urgency_display()} · {report.get_handler_display()}"
    _act(report, user, "triage", f"{summary} {note}".strip(), request)
    return report


@transaction.atomic
def act(report, user, note, request=None):
    require(user, "welfare.handle_harmreport", report)
    if report.state in (HarmReport.State.RECEIVED, HarmReport.State.CLOSED):
        raise ReportRefused(
            _("Triage the report first.")
            if report.state == HarmReport.State.RECEIVED
            else _("The report is closed.")
        )
    if not note.strip():
        raise ReportRefused(_("Describe what was done."))
    report.state = HarmReport.State.ACTING
    report.escalated = False
    report.save()
    _act(report, user, "action", note, request)
    return report


@transaction.atomic
def close(report, user, note, request=None):
    require(user, "welfare.handle_harmreport", report)
    if report.state == HarmReport.State.CLOSED:
        raise ReportRefused(_("The report is closed."))
    if not note.strip():
        raise ReportRefused(_("Say how the report was resolved."))
    report.state, report.closed_at = HarmReport.State.CLOSED, timezone.now()
    report.save()
    _act(report, user, "close", note, request)
    return report


def is_overdue(report, now=None):
    now = now or timezone.now()
    return report.state in (HarmReport.State.RECEIVED, HarmReport.State.ASSIGNED) and now > report.due_at


def escalate_overdue(now=None):
    """Flag every report whose clock has run out; returns how many were newly escalated."""
    now = now or timezone.now()
    overdue = HarmReport.objects.filter(
        state__in=[HarmReport.State.RECEIVED, HarmReport.State.ASSIGNED], due_at__lt=now, escalated=False
    )
    references = list(overdue.values_list("reference", flat=True))
    overdue.update(escalated=True)
    for reference in references:
        record(
            AuditEntry.Action.UPDATE,
            object_type="welfare.HarmReport",
            object_id=reference,
            details={"escalated": True},
        )
    return len(references)


def _act(report, user, kind, note, request):
    HarmAction.objects.create(report=report, actor=user, kind=kind, note=note)
    record(AuditEntry.Action.UPDATE, request=request, user=user, obj=report, details={"step": kind})
