"""Who may do what in children's participation. Jurisdiction as everywhere (core.scoping); a
unit answers only the proposals assigned to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction, is_admin, reads_aggregates

from .steps import ANSWERERS, ORGANISERS, PROPOSAL_FLOW

if TYPE_CHECKING:
    from tongyou.accounts.models import User


@rules.predicate
def of_my_unit(user: User, obj: Any = None) -> bool:
    """Without an object: the user has a unit; with one: it is assigned to the user's unit."""
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None:
        return False
    return obj is None or getattr(obj, "unit_id", None) == unit_id


organisers = has_role(*ORGANISERS) & in_jurisdiction
answerers = has_role(*ANSWERERS) & of_my_unit & in_jurisdiction

rules.add_perm("participation.view_process", organisers)
rules.add_perm("participation.manage_process", organisers)
rules.add_perm("participation.moderate_proposal", organisers)
rules.add_perm("participation.view_comment", organisers)
# A proposal is read by the organisers of its area and by the unit it is assigned to.
rules.add_perm("participation.view_proposal", organisers | answerers)
# Acting on it: the same people; which step each may take is the step table's (steps.py).
rules.add_perm("participation.act_proposal", organisers | answerers)
assert set(PROPOSAL_FLOW.roles()) == set(ORGANISERS) | set(ANSWERERS)
# Codes and consents are issued by those who read the child master index where the child lives.
issuers = has_role(Role.CHILD_DIRECTOR, Role.STREET_OFFICER) & in_jurisdiction
rules.add_perm("participation.add_participant", issuers)
rules.add_perm("participation.view_participant", issuers)
rules.add_perm("participation.add_consent", issuers)
rules.add_perm("participation.view_consent", issuers)
# Results: the organisers keep them; the responsible unit adds dated updates.
rules.add_perm("participation.view_result", organisers | answerers)
rules.add_perm("participation.add_result", organisers)
rules.add_perm("participation.add_resultupdate", organisers | answerers)
rules.add_perm("participation.view_phase", organisers)
# Who takes part against who lives there: an aggregate, protected unless the user reads records.
rules.add_perm("participation.view_reach", reads_aggregates & in_jurisdiction)
# A survey's results are read by the organisers (exact only where they read the records).
rules.add_perm("participation.view_survey", organisers)


# In the admin site: the system administrator sees the processes (no children's data).
rules.add_perm("participation", is_admin)


@rules.predicate
def seats_here(user: User, council: Any = None) -> bool:
    """The user works inside the council's area and reads the index there: they nominate and
    appoint their own children to it (a community to the street's or the district's council)."""
    from .councils import may_seat

    return council is not None and may_seat(user, council)


# Councils, their seats, sessions and training: kept by the organisers of the council's area; a
# council is also opened by the issuers below it, who appoint their children to it.
rules.add_perm(
    "participation.view_council",
    organisers | (has_role(Role.CHILD_DIRECTOR, Role.STREET_OFFICER) & seats_here),
)
for model in ("councilmember", "councilsession", "training"):
    rules.add_perm(f"participation.view_{model}", organisers)
