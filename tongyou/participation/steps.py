"""A proposal's steps, from moderation to the published answer: one table, run by the kernel's
Flow; rules.py grants the permission to act on a proposal to exactly the roles it names.

A child's own steps (filing, withdrawing) are taken with a participation code, not an account,
and run in proposals.py on the same lock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from tongyou.accounts.roles import Role
from tongyou.core.workflow import Flow, Step, latest_actor

from .models import Proposal, ProposalEvent

if TYPE_CHECKING:
    from tongyou.accounts.models import User

Status = Proposal.Status

# Who runs a process and reads the children's words first: the office, streets, communities.
ORGANISERS = (Role.COORDINATOR, Role.STREET_OFFICER, Role.CHILD_DIRECTOR)
# Who answers for a unit a proposal is assigned to (checked against the user's unit as well).
ANSWERERS = (Role.UNIT_OFFICER, Role.STREET_OFFICER, Role.COORDINATOR)
# Who assigns proposals to units and publishes the answers: the office and the streets.
DISPATCHERS = (Role.COORDINATOR, Role.STREET_OFFICER)

STEPS = {
    # Pre-moderation: nobody but the organisers sees a child's words before this.
    "approve": Step((Status.PENDING,), Status.APPROVED, ORGANISERS),
    "reject": Step(
        (Status.PENDING,),
        Status.REJECTED,
        ORGANISERS,
        needs_reason=True,
        reason_missing=_("Say why it cannot be shown (the child's organiser will explain it to them)."),
    ),
    "assign": Step((Status.APPROVED, Status.ASSIGNED), Status.ASSIGNED, DISPATCHERS),
    "answer": Step((Status.ASSIGNED, Status.ANSWERED), Status.ANSWERED, ANSWERERS),
    "return": Step(
        (Status.ANSWERED,),
        Status.ASSIGNED,
        DISPATCHERS,
        needs_reason=True,
        reason_missing=_("Say what the answer needs (for example: words a child understands)."),
    ),
    "publish": Step((Status.ANSWERED,), Status.PUBLISHED, DISPATCHERS),
}


def _event(proposal: Proposal, action: str, user: User | None, note: str, previous: Any) -> None:
    ProposalEvent.objects.create(
        proposal=proposal,
        action=action,
        from_status=previous,
        to_status=proposal.status,
        actor=user,
        note=note,
    )


PROPOSAL_FLOW = Flow(
    state_field="status",
    permission="participation.act_proposal",
    steps=STEPS,
    changed_by=lambda proposal: latest_actor(proposal.events) or str(_("the child")),
    history=_event,
)
