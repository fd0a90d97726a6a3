"""The allowance application's steps: who takes each, from which state, to which, and whether it
needs a reason. One table: the workflow (workflow.py) runs it through the kernel's Flow, and the
permission to act on an application (rules.py) is granted to exactly the roles it names."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from tongyou.accounts.roles import Role
from tongyou.core.workflow import Flow, Step, latest_actor

from .models import Status

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.welfare.models import AllowanceApplication

FILERS = (Role.CHILD_DIRECTOR, Role.CASEWORKER, Role.STREET_OFFICER)


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
    # While a change is verified (a parent released, a move reported): no payment from the next
    # run until resumed; months missed are not paid back (our choice, see docs/architecture.md).
    "suspend": Step((Status.ACTIVE,), Status.SUSPENDED, (Role.CASEWORKER,), needs_reason=True),
    "resume": Step((Status.SUSPENDED,), Status.ACTIVE, (Role.CASEWORKER,), needs_reason=True),
    # Adoption, death, a parent found, a change of category or residence: payment stops from the
    # following month (turning 18 stops it by itself, see disbursement.py).
    "terminate": Step(
        (Status.ACTIVE, Status.SUSPENDED), Status.TERMINATED, (Role.CASEWORKER,), needs_reason=True
    ),
}


def _last_actor(application: AllowanceApplication) -> str:
    return latest_actor(application.events)


def _event(
    application: AllowanceApplication, action: str, user: User, note: str, previous: Any, on: dt.date
) -> None:
    from .models import ApplicationEvent

    ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=previous,
        to_status=application.status,
        actor=user,
        reason=note,
        on=on,
    )


APPLICATION_FLOW = Flow(
    state_field="status",
    permission="welfare.act_allowanceapplication",
    steps=STEPS,
    changed_by=_last_actor,
    history=_event,
    outsider=_("This application is outside your jurisdiction or role."),
    wrong_state=_("'%(action)s' is not possible while the application is '%(state)s'."),
)
