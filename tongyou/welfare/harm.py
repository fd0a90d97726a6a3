"""Mandatory reports of harm (强制报告) and the discover-report-respond mechanism.

A report starts a clock at once: triage within HARM_TRIAGE_MINUTES; once triaged, a response
within the time set for its urgency. Clock times are calendar time, not working days: harm does
not wait for Monday. Reports past their clock are escalated (`escalate_overdue`, run every few
seconds by the worker) and listed first. The reporter's name and phone
are encrypted and shown only to the handling roles; the public gets a reference number only.
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.notifications import notify, staff_covering, with_supervisors
from tongyou.core.scoping import require, scoped
from tongyou.core.workflow import Flow, Step, latest_actor
from tongyou.datahub.models import ID_INDEX_PURPOSE, Child
from tongyou.privacy.blind_index import blind_index
from tongyou.privacy.idnumbers import validate_id_number

from .models import HarmAction, HarmReport

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.regions.models import Region

HANDLERS = (Role.POLICE, Role.CASEWORKER, Role.STREET_OFFICER)

DEFAULT_CLOCKS = {"triage": 60, "immediate": 60, "urgent": 24 * 60, "normal": 3 * 24 * 60}  # minutes


def clock(name: str) -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "HARM_REPORT_CLOCKS", DEFAULT_CLOCKS)[name])


def new_reference() -> str:
    return "BG" + timezone.localtime().strftime("%y%m%d") + secrets.token_hex(3).upper()


@transaction.atomic
def receive(
    *,
    situation: Any,
    description: str,
    region: Region,
    place: str = "",
    child_name: Any = "",
    reporter_name: Any = "",
    reporter_phone: Any = "",
    from_public: Any = True,
    child: Child | None = None,
) -> Any:
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
    transaction.on_commit(lambda: _tell_handlers(report))
    return report


def registered_child(id_number: str, user: User | None = None) -> Child | None:
    """The registered child with this ID number: within `user`'s jurisdiction for staff, anywhere
    in the district for the public intake (which shows the reporter nothing back)."""
    children = Child.objects.all() if user is None else scoped(Child.objects.all(), user)
    return children.filter(id_number_index=blind_index(id_number, ID_INDEX_PURPOSE)).first()


@transaction.atomic
def link_child(report: HarmReport, user: User, id_number: str) -> Any:
    require(user, "welfare.handle_harmreport", report)
    try:
        number = validate_id_number(id_number)
    except ValidationError as exc:
        raise Refusal(exc.messages[0]) from None
    child = registered_child(number, user)
    if child is None:
        raise Refusal(_("No registered child with this ID number is within your jurisdiction."))
    report.child = child
    report.save(update_fields=["child"])
    _act(report, user, "link", "")
    return report


def _report_url(report: HarmReport) -> str:
    return reverse("welfare:report_detail", args=[report.pk])


def _tell_handlers(report: HarmReport) -> None:
    notify(
        staff_covering(report.region, HANDLERS),
        f"harm.{report.reference}.received",
        _("New harm report %(reference)s: %(situation)s. Triage by %(due)s.")
        % {
            "reference": report.reference,
            "situation": report.get_situation_display(),
            "due": f"{timezone.localtime(report.due_at):%H:%M}",
        },
        _report_url(report),
    )


URGENCY_RANK = {HarmReport.Urgency.IMMEDIATE: 0, HarmReport.Urgency.URGENT: 1, HarmReport.Urgency.NORMAL: 2}


def last_actor(report: HarmReport) -> str:
    return latest_actor(report.actions)


_CLOSED: dict[str, str | Promise] = {HarmReport.State.CLOSED: gettext_lazy("The report is closed.")}
_OPEN = (HarmReport.State.RECEIVED, HarmReport.State.ASSIGNED, HarmReport.State.ACTING)


def _history(report: HarmReport, action: str, user: User, note: str, previous: Any) -> None:
    HarmAction.objects.create(
        report=report, actor=user, kind={"act": "action"}.get(action, action), note=note
    )


# Triage (or a more urgent triage, which keeps the state), action, closing: by the police,
# civil-affairs and street staff the permission admits. Two handlers at once are not refused for
# the change itself: the second's step is decided on the report as the first left it.
HARM_FLOW = Flow(
    state_field="state",
    permission="welfare.handle_harmreport",
    refuse_stale=False,
    history=_history,
    steps={
        "triage": Step(_OPEN, None, not_from=_CLOSED),
        "act": Step(
            (HarmReport.State.ASSIGNED, HarmReport.State.ACTING),
            HarmReport.State.ACTING,
            needs_reason=True,
            reason_missing=gettext_lazy("Describe what was done."),
            not_from={HarmReport.State.RECEIVED: gettext_lazy("Triage the report first."), **_CLOSED},
        ),
        "close": Step(
            _OPEN,
            HarmReport.State.CLOSED,
            needs_reason=True,
            reason_missing=gettext_lazy("Say how the report was resolved."),
            not_from=_CLOSED,
        ),
    },
)


@transaction.atomic
def triage(report: HarmReport, user: User, urgency: Any, handler: Any, note: str = "") -> Any:
    """Set the urgency and who handles the report. Two people triaging at once: the report is
    locked, the second reads the first's triage; a more urgent triage always goes through (it
    raises the urgency and shortens the clock), a less or equally urgent one is refused with who
    triaged it and how."""
    HARM_FLOW.start(report, "triage", user)
    raised = report.state != HarmReport.State.RECEIVED
    if raised and URGENCY_RANK[urgency] >= URGENCY_RANK[HarmReport.Urgency(report.urgency)]:
        raise Refusal(
            _("%(who)s already triaged this as '%(urgency)s'; only a more urgent triage changes it.")
            % {"who": last_actor(report) or _("Someone"), "urgency": report.get_urgency_display()}
        )
    report.urgency, report.handler = urgency, handler
    summary = f"{report.get_urgency_display()} · {report.get_handler_display()}"
    HARM_FLOW.finish(
        report,
        Step(_OPEN, None if raised else HarmReport.State.ASSIGNED),
        "raise" if raised else "triage",
        user,
        note=f"{summary} {note}",
        due_at=timezone.now() + clock(urgency),
        escalated=False,
    )
    if raised:
        transaction.on_commit(lambda: _tell_handlers(report))
    return report


@transaction.atomic
def act(report: HarmReport, user: User, note: str) -> Any:
    # A close at the same moment: the record is locked, one of the two reads the other's.
    HARM_FLOW.finish(
        report, HARM_FLOW.start(report, "act", user, reason=note), "act", user, note, escalated=False
    )
    return report


@transaction.atomic
def close(report: HarmReport, user: User, note: str) -> Any:
    step = HARM_FLOW.start(report, "close", user, reason=note)
    HARM_FLOW.finish(report, step, "close", user, note, closed_at=timezone.now())
    return report


OPEN_STATES = _OPEN


def is_overdue(report: HarmReport, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return report.state in OPEN_STATES and now > report.due_at


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Flag every open report whose clock has run out, 处置中 included, and tell the handlers and
    their supervisors; a report still open one more clock later is escalated again (each time
    with a notice of its own). Returns how many were escalated now."""
    now = now or timezone.now()
    overdue = HarmReport.objects.filter(state__in=OPEN_STATES, due_at__lt=now, escalated=False)
    reports = list(overdue.select_related("region"))
    overdue.update(escalated=True)
    for report in reports:
        if report.state == HarmReport.State.ACTING:
            # Being handled, but not closed in time: the next escalation comes one clock later.
            following = now + clock(report.urgency or "urgent")
            HarmReport.objects.filter(pk=report.pk).update(due_at=following, escalated=False)
        record(
            AuditEntry.Action.UPDATE,
            object_type="welfare.HarmReport",
            object_id=report.reference,
            details={"escalated": True},
        )
        notify(
            with_supervisors(staff_covering(report.region, HANDLERS)),
            f"harm.{report.reference}.overdue.{report.due_at:%Y%m%d%H%M}",
            _("Overdue: harm report %(reference)s was due at %(due)s.")
            % {
                "reference": report.reference,
                "due": f"{timezone.localtime(report.due_at):%Y-%m-%d %H:%M}",
            },
            _report_url(report),
        )
    return len(reports)


def _act(report: HarmReport, user: User, kind: str, note: str) -> None:
    HarmAction.objects.create(report=report, actor=user, kind=kind, note=note)
    record(AuditEntry.Action.UPDATE, user=user, obj=report, details={"step": kind})
