"""The allowance application as an explicit state machine with working-day time limits.

申请 → 街道/乡镇 审核 → 区民政局 审批 → 公示 (orphans only; none for de-facto-unsupported
children, to protect their privacy) → guardianship agreement → paid from the following month,
with return for more evidence, rejection, withdrawal and appeal. Time limits (民发〔2019〕62号
and 国办发〔2010〕54号 as restated in local guides; Inner Mongolia's own are to be confirmed) are
the setting WELFARE_TIME_LIMITS; the defaults are in docs/architecture.md.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import can
from tongyou.core.workdays import add_working_days

from .models import AllowanceApplication, ApplicationEvent, Status

DEFAULT_TIME_LIMITS = {
    # working days for the street/town review and the district decision; days of public notice
    "orphan": {"town": 10, "county": 10, "notice": 5},
    "unsupported": {"town": 15, "county": 15, "notice": 0},
}
FILERS = (Role.CHILD_DIRECTOR, Role.CASEWORKER, Role.STREET_OFFICER)


@dataclass(frozen=True)
class Step:
    sources: tuple
    target: str
    roles: tuple
    needs_reason: bool = False


STEPS = {
    "submit": Step((Status.DRAFT, Status.RETURNED), Status.SUBMITTED, FILERS),
    "withdraw": Step(
        (Status.DRAFT, Status.SUBMITTED, Status.RETURNED),
        Status.WITHDRAWN,
        (Role.CHILD_DIRECTOR, Role.CASEWORKER),
    ),
    "town_approve": Step((Status.SUBMITTED,), Status.TOWN_APPROVED, (Role.STREET_OFFICER,)),
    "town_return": Step((Status.SUBMITTED,), Status.RETURNED, (Role.STREET_OFFICER,), needs_reason=True),
    "town_reject": Step((Status.SUBMITTED,), Status.REJECTED, (Role.STREET_OFFICER,), needs_reason=True),
    "county_approve": Step((Status.TOWN_APPROVED, Status.APPEALED), Status.APPROVED, (Role.CASEWORKER,)),
    "county_return": Step((Status.TOWN_APPROVED,), Status.RETURNED, (Role.CASEWORKER,), needs_reason=True),
    "county_reject": Step(
        (Status.TOWN_APPROVED, Status.APPEALED, Status.IN_PUBLIC_NOTICE),
        Status.REJECTED,
        (Role.CASEWORKER,),
        needs_reason=True,
    ),
    "end_notice": Step((Status.IN_PUBLIC_NOTICE,), Status.APPROVED, (Role.CASEWORKER,)),
    "sign_agreement": Step((Status.APPROVED,), Status.ACTIVE, (Role.CASEWORKER,)),
    "appeal": Step(
        (Status.REJECTED,), Status.APPEALED, (Role.CHILD_DIRECTOR, Role.CASEWORKER), needs_reason=True
    ),
    # Adoption, death, a parent found, a change of category or residence: payment stops from the
    # following month (turning 18 stops it by itself, see disbursement.py).
    "terminate": Step((Status.ACTIVE,), Status.TERMINATED, (Role.CASEWORKER,), needs_reason=True),
}


class TransitionRefused(ValueError):
    pass


def time_limits(category):
    return getattr(settings, "WELFARE_TIME_LIMITS", DEFAULT_TIME_LIMITS)[category]


def first_of_next_month(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def allowed_actions(application, user):
    return [
        name
        for name, step in STEPS.items()
        if application.status in step.sources
        and getattr(user, "role", None) in step.roles
        and can(user, "welfare.act_allowanceapplication", application)
    ]


def is_overdue(application, today=None):
    today = today or timezone.localdate()
    return (
        application.status in (Status.SUBMITTED, Status.TOWN_APPROVED, Status.APPEALED)
        and application.step_due is not None
        and today > application.step_due
    )


@transaction.atomic
def transition(application, action, user, reason="", on=None, request=None):
    """Apply `action` by `user` on day `on`; refuse with a message naming why."""
    on = on or timezone.localdate()
    step = STEPS.get(action)
    if step is None:
        raise TransitionRefused(_("Unknown action '%(action)s'.") % {"action": action})
    if not can(user, "welfare.act_allowanceapplication", application):
        raise TransitionRefused(_("This application is outside your jurisdiction or role."))
    if getattr(user, "role", None) not in step.roles:
        raise TransitionRefused(_("Your role may not do '%(action)s'.") % {"action": action})
    if application.status not in step.sources:
        raise TransitionRefused(
            _("'%(action)s' is not possible while the application is '%(status)s'.")
            % {"action": action, "status": application.get_status_display()}
        )
    if step.needs_reason and not reason.strip():
        raise TransitionRefused(_("A reason is required for '%(action)s'.") % {"action": action})
    limits = time_limits(application.category)
    target = step.target
    if action == "end_notice" and application.step_due and on < application.step_due:
        raise TransitionRefused(
            _("The public notice runs until %(day)s.") % {"day": application.step_due.isoformat()}
        )
    previous = application.status
    application.step_due = None
    if target == Status.SUBMITTED:
        application.step_due = add_working_days(on, limits["town"])
    elif target in (Status.TOWN_APPROVED, Status.APPEALED):
        application.step_due = add_working_days(on, limits["county"])
    elif target == Status.APPROVED and action == "county_approve" and limits["notice"]:
        target = Status.IN_PUBLIC_NOTICE
        application.step_due = add_working_days(on, limits["notice"])
    elif target == Status.ACTIVE:
        application.payment_start = first_of_next_month(on)
    elif target == Status.TERMINATED:
        application.payment_end = first_of_next_month(on)
    application.status = target
    application.save()
    ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=previous,
        to_status=target,
        actor=user,
        reason=reason.strip(),
        on=on,
    )
    record(
        AuditEntry.Action.UPDATE,
        request=request,
        user=user,
        obj=application,
        details={"action": action, "from": previous, "to": target},
    )
    return application


def file_application(child, category, applicant_name, user, request=None):
    """A draft application for a child the user may see."""
    if not can(user, "welfare.add_allowanceapplication", child):
        raise TransitionRefused(_("You may not file an application for this child."))
    application = AllowanceApplication.objects.create(
        child=child, category=category, applicant_name=applicant_name, filed_by=user
    )
    return application
