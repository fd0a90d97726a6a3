"""The allowance application as an explicit state machine with working-day time limits.

申请 → 街道/乡镇 审核 → 区民政局 审批 → 公示 (orphans only; none for de-facto-unsupported
children, to protect their privacy) → guardianship agreement → paid from the following month,
with return for more evidence, rejection, withdrawal and appeal. Time limits (民发〔2019〕62号
and 国办发〔2010〕54号 as restated in local guides; Inner Mongolia's own are to be confirmed) are
the setting WELFARE_TIME_LIMITS; the defaults are in docs/architecture.md.
"""

from __future__ import annotations

import base64
import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import uploads
from tongyou.core.errors import Refusal
from tongyou.core.notifications import notify, staff_covering, with_supervisors
from tongyou.core.scoping import can
from tongyou.core.workdays import add_working_days
from tongyou.core.workflow import Step, current, lock
from tongyou.privacy.idnumbers import validate_id_number
from tongyou.privacy.masking import mask_account, mask_id_number, mask_name

from . import eligibility
from .models import AllowanceApplication, Evidence, EvidenceKind, PayeeChange, Status
from .steps import APPLICATION_FLOW, FILERS, STEPS  # noqa: F401 (STEPS: the views' labels)

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.datahub.models import Child

DEFAULT_TIME_LIMITS = {
    # working days for the street/town review and the district decision; days of public notice.
    # "default" covers the categories registered without an allowance (a [G] choice, see docs).
    "orphan": {"town": 10, "county": 10, "notice": 5},
    "orphan_institution": {"town": 10, "county": 10, "notice": 5},
    "unsupported": {"town": 15, "county": 15, "notice": 0},
    "default": {"town": 10, "county": 10, "notice": 0},
}
# Who takes the next step while an application waits in each state.
WAITING_ON = {
    Status.SUBMITTED: (Role.STREET_OFFICER,),
    Status.TOWN_APPROVED: (Role.CASEWORKER,),
    Status.APPEALED: (Role.CASEWORKER,),
    Status.IN_PUBLIC_NOTICE: (Role.CASEWORKER,),
    Status.APPROVED: (Role.CASEWORKER,),
    Status.RETURNED: (Role.CHILD_DIRECTOR, Role.CASEWORKER),
}
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
CLOSED_TO_EVIDENCE = (Status.ACTIVE, Status.SUSPENDED, Status.TERMINATED, Status.WITHDRAWN)
# The formats a scanner or a phone produces, recognised by their first bytes, not their names.
EVIDENCE_TYPES = {**uploads.PDF, **uploads.IMAGES}


def time_limits(category: str) -> Any:
    limits = getattr(settings, "WELFARE_TIME_LIMITS", DEFAULT_TIME_LIMITS)
    return limits.get(category) or limits["default"]


def first_of_next_month(day: datetime.date) -> Any:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def allowed_actions(application: AllowanceApplication, user: User) -> list[str]:
    return APPLICATION_FLOW.allowed(application, user)


def is_overdue(application: AllowanceApplication, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        application.status in (Status.SUBMITTED, Status.TOWN_APPROVED, Status.APPEALED)
        and application.step_due is not None
        and today > application.step_due
    )


@transaction.atomic
def transition(
    application: AllowanceApplication,
    action: str,
    user: User,
    reason: Any = "",
    on: datetime.date | None = None,
    seen: Any = None,
) -> Any:
    """Apply `action` by `user` on day `on`; refuse with a message naming why. `seen` is the
    status the person acted on: if another actor moved the application on meanwhile, the
    transition is refused (StaleState, a Refusal) and nothing is written."""
    on = on or timezone.localdate()
    step = APPLICATION_FLOW.start(application, action, user, reason=reason, seen=seen)
    _check_separation(application, action, user)
    findings = (
        eligibility.assess(application, on)
        if action in ("county_approve", "sign_agreement", "resume")
        else []
    )
    # One allowance per child: another live application for it blocks, whatever the reason.
    blocking = [f for f in findings if f.blocking]
    if blocking:
        raise Refusal(
            _("%(criterion)s: %(detail)s A child receives one allowance; close the other first.")
            % {"criterion": blocking[0].criterion, "detail": blocking[0].detail}
        )
    if action == "county_approve" and not reason.strip():
        contradicted = [f for f in findings if f.state == eligibility.CONTRADICTED]
        if contradicted:
            raise Refusal(
                _("Criteria are contradicted (%(criteria)s): give the reason for approving.")
                % {"criteria": "、".join(str(f.criterion) for f in contradicted)}
            )
    if action == "sign_agreement":
        _check_ready_to_pay(application)
    limits = time_limits(application.category)
    target = step.target or application.status  # every application step has a target
    if action == "end_notice" and application.step_due and on < application.step_due:
        raise Refusal(_("The public notice runs until %(day)s.") % {"day": application.step_due.isoformat()})
    previous = application.status
    application.step_due = None
    if target == Status.SUBMITTED:
        application.step_due = add_working_days(on, limits["town"])
    elif target in (Status.TOWN_APPROVED, Status.APPEALED):
        application.step_due = add_working_days(on, limits["county"])
    elif target == Status.APPROVED and action == "county_approve" and limits["notice"]:
        target = Status.IN_PUBLIC_NOTICE
        application.step_due = add_working_days(on, limits["notice"])
    elif target == Status.ACTIVE and action == "sign_agreement":
        application.payment_start = first_of_next_month(on)
    elif target == Status.TERMINATED:
        application.payment_end = first_of_next_month(on)
    # The step's target, or public notice first (above).
    APPLICATION_FLOW.finish(
        application, Step(step.sources, target), action, user, note=reason, event={"on": on}
    )
    if target in WAITING_ON:
        transaction.on_commit(lambda: _tell_next(application, target, event_key=f"{previous}-{target}-{on}"))
    return application


# Who may not take a step because they took an earlier one (segregation of duties): the person
# who filed or submitted an application does not approve it at the next level, nor does the
# street's approver decide it for the district.
SEPARATED = {
    "town_approve": ("file", "submit"),
    "town_return": ("file", "submit"),
    "town_reject": ("file", "submit"),
    "county_approve": ("file", "submit", "town_approve"),
    "county_return": ("file", "submit", "town_approve"),
    "county_reject": ("file", "submit", "town_approve"),
}


def _check_separation(application: AllowanceApplication, action: str, user: User) -> None:
    earlier = SEPARATED.get(action)
    if not earlier:
        return
    took = set(application.events.filter(actor=user).values_list("action", flat=True))
    if application.filed_by_id == user.pk:
        took.add("file")
    clash = [a for a in earlier if a in took]
    if clash:
        raise Refusal(
            _("You %(earlier)s this application; another person must take the next step.")
            % {"earlier": "、".join(str(SEPARATION_LABELS[a]) for a in clash)}
        )


SEPARATION_LABELS = {
    "file": pgettext_lazy("you … this application", "filed"),
    "submit": pgettext_lazy("you … this application", "submitted"),
    "town_approve": pgettext_lazy("you … this application", "approved at the street or town"),
}


def _check_ready_to_pay(application: AllowanceApplication) -> None:
    kinds = set(application.evidence.values_list("kind", flat=True))
    if EvidenceKind.GUARDIANSHIP_AGREEMENT not in kinds:
        raise Refusal(_("Attach the signed guardianship agreement first."))
    if application.category in eligibility.allowance_categories() and not (
        application.bank_name
        and application.account_holder
        and application.account_number
        and application.account_holder_id_number
    ):
        raise Refusal(
            _("Record the bank account the allowance is paid into, and its holder's ID number, first.")
        )


def _application_url(application: AllowanceApplication) -> str:
    return reverse("welfare:application_detail", args=[application.pk])


def _tell_next(application: AllowanceApplication, status: str, event_key: Any) -> None:
    """Tell whoever takes the next step that the application waits for them. `status` is the one
    the transition reached: the message goes out after the commit, when the application may have
    moved on again within the same transaction."""
    roles = WAITING_ON.get(Status(status))
    if not roles:
        return
    notify(
        staff_covering(application.child.residence_region, roles),
        f"welfare.application.{application.pk}.{event_key}",
        _("Application #%(number)s waits for you: %(status)s.")
        % {"number": application.pk, "status": Status(status).label},
        _application_url(application),
    )


def notify_overdue(today: datetime.date | None = None) -> int:
    """Tell the people responsible for every overdue step, and their supervisors, once per step.
    Returns the number of overdue applications."""
    today = today or timezone.localdate()
    overdue = AllowanceApplication.objects.filter(
        status__in=(Status.SUBMITTED, Status.TOWN_APPROVED, Status.APPEALED), step_due__lt=today
    ).select_related("child__residence_region")
    count = 0
    for application in overdue:
        count += 1
        responsible = staff_covering(
            application.child.residence_region, WAITING_ON[Status(application.status)]
        )
        notify(
            with_supervisors(responsible),
            f"welfare.application.{application.pk}.{application.status}.{application.step_due}.overdue",
            _("Overdue: application #%(number)s (%(status)s) was due on %(day)s.")
            % {
                "number": application.pk,
                "status": application.get_status_display(),
                "day": str(application.step_due),
            },
            _application_url(application),
        )
    return count


PARENT_AND_BANK_FIELDS = (
    "father_situation",
    "mother_situation",
    "bank_name",
    "account_holder",
    "account_holder_id_number",
    "account_number",
)


PAYEE_FIELDS = ("bank_name", "account_holder", "account_holder_id_number", "account_number")


@transaction.atomic
def update_details(application: AllowanceApplication, user: User, **values: Any) -> list:
    """Record parents' situations (while the application can still change) and the bank account.
    The account is recorded by a caseworker; once one is on file, a change waits for a second
    caseworker's approval (a PayeeChange) and is not applied here. Returns the fields changed
    now (and "payee_change" when a change was proposed)."""
    if not can(user, "welfare.act_allowanceapplication", application):
        raise Refusal(_("This application is outside your jurisdiction or role."))
    lock(application)
    editable = application.status in (Status.DRAFT, Status.RETURNED)
    changed, payee = [], {}
    for field, value in values.items():
        if field not in PARENT_AND_BANK_FIELDS or getattr(application, field) == value:
            continue
        if field.endswith("_situation") and not editable:
            raise Refusal(_("Parents' situations can change only while the application is a draft."))
        if field == "account_number" and value and not (value.isdigit() and 12 <= len(value) <= 25):
            raise Refusal(_("An account number is 12 to 25 digits."))
        if field == "account_holder_id_number" and value:
            try:
                value = validate_id_number(value)
            except ValidationError as exc:
                raise Refusal(
                    _("Account holder's ID number: %(fault)s") % {"fault": exc.messages[0]}
                ) from None
        if field in PAYEE_FIELDS:
            payee[field] = value
            continue
        setattr(application, field, value)
        changed.append(field)
    if payee:
        if not can(user, "welfare.change_payee", application):
            raise Refusal(_("Only a caseworker records or changes who is paid and the account."))
        if application.account_number:  # a change of an account on file: four eyes
            propose_payee_change(application, user, **payee)
            changed.append("payee_change")
        else:  # the first recording, before any payment
            for field, value in payee.items():
                setattr(application, field, value)
            changed += list(payee)
    saved = [f for f in changed if f != "payee_change"]
    if saved:
        application.save(update_fields=[*saved, "updated_at"])
        record(AuditEntry.Action.UPDATE, user=user, obj=application, details={"fields": saved})
    return changed


def _masked_payee(source: AllowanceApplication | PayeeChange) -> dict[str, Any]:
    return {
        "bank": source.bank_name,
        "holder": mask_name(source.account_holder),
        "holder_id": mask_id_number(source.account_holder_id_number),
        "account": mask_account(source.account_number),
    }


def propose_payee_change(application: AllowanceApplication, user: User, **payee: Any) -> PayeeChange:
    """A proposed change of payee or account, complete (unchanged fields kept), waiting for a
    second caseworker. One at a time per application."""
    current_values = {f: getattr(application, f) for f in PAYEE_FIELDS}
    if application.payee_changes.filter(state=PayeeChange.State.PENDING).exists():
        raise Refusal(_("A change of payee is already waiting for approval; decide that one first."))
    change = PayeeChange.objects.create(
        application=application, requested_by=user, **(current_values | payee)
    )
    record(
        AuditEntry.Action.CREATE,
        user=user,
        obj=change,
        details={"old": _masked_payee(application), "new": _masked_payee(change)},
    )
    notify(
        [
            u
            for u in staff_covering(application.child.residence_region, (Role.CASEWORKER,))
            if u.pk != user.pk
        ],
        f"welfare.payee.{change.pk}.proposed",
        _("A change of payee for application #%(number)s waits for a second caseworker's approval.")
        % {"number": application.pk},
        _application_url(application),
    )
    return change


@transaction.atomic
def decide_payee_change(change: Any, user: User, approve: Any) -> Any:
    """Apply (or reject) a proposed change: by a caseworker who did not propose it, once."""
    application = change.application
    if not can(user, "welfare.change_payee", application):
        raise Refusal(_("Only a caseworker records or changes who is paid and the account."))
    current(change, "state", seen=PayeeChange.State.PENDING)
    if change.requested_by_id == user.pk:
        raise Refusal(_("You proposed this change; another caseworker must approve it."))
    lock(application)
    old = _masked_payee(application)
    if approve:
        for field in PAYEE_FIELDS:
            setattr(application, field, getattr(change, field))
        application.save(update_fields=[*PAYEE_FIELDS, "updated_at"])
    change.state = PayeeChange.State.APPLIED if approve else PayeeChange.State.REJECTED
    change.decided_by, change.decided_at = user, timezone.now()
    change.save()
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=change,
        details={"decision": change.state, "old": old, "new": _masked_payee(change)},
    )
    return change


@transaction.atomic
def attach_evidence(application: AllowanceApplication, user: User, kind: str, uploaded: UploadedFile) -> Any:
    """Attach a PDF, JPEG or PNG of at most 5 MB; it is stored encrypted."""
    if not can(user, "welfare.act_allowanceapplication", application):
        raise Refusal(_("This application is outside your jurisdiction or role."))
    if application.status in CLOSED_TO_EVIDENCE:
        raise Refusal(_("This application is closed to new evidence."))
    if kind not in EvidenceKind.values:
        raise Refusal(_("Choose the kind of evidence."))
    content_type, content = uploads.accept(
        uploaded,
        EVIDENCE_TYPES,
        EVIDENCE_MAX_BYTES,
        too_large=_("The file is larger than 5 MB; scan it at a lower resolution."),
        wrong_kind=_("Upload a PDF, JPEG or PNG file."),
    )
    evidence = Evidence.objects.create(
        application=application,
        kind=kind,
        filename=(uploaded.name or "")[-200:],
        content_type=content_type,
        size=len(content),
        content=base64.b64encode(content).decode(),
        uploaded_by=user,
    )
    return evidence


def evidence_bytes(evidence: Evidence) -> bytes:
    return base64.b64decode(evidence.content)


def file_application(
    child: Child,
    category: str,
    applicant_name: str,
    user: User,
    father_situation: str = "",
    mother_situation: str = "",
) -> AllowanceApplication:
    """A draft application for a child the user may see."""
    if not can(user, "welfare.add_allowanceapplication", child):
        raise Refusal(_("You may not file an application for this child."))
    application = AllowanceApplication.objects.create(
        child=child,
        category=category,
        applicant_name=applicant_name,
        filed_by=user,
        father_situation=father_situation,
        mother_situation=mother_situation,
    )
    return application
