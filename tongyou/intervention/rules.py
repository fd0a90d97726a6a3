"""Who may see and do what in graded intervention: the police and the procuratorate in their
jurisdiction, and a school for its own pupils' cases (the case names the school). Nobody else —
not the office, civil affairs, the community, the education bureau or researchers — reads a case;
a sealed case is read by nobody through these permissions (a lawful query is its own act,
`intervention.query_sealed`). The office sees district totals only, through disclosure control."""

from __future__ import annotations

from typing import Any

import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction, of_unit, of_unit_kind

police = has_role(Role.POLICE)
procuratorate = of_unit("jcy")
school = of_unit_kind("school")
justice = police | procuratorate


def _case(obj: Any) -> Any:
    """The case a record belongs to (a referral, a measure), or the case itself."""
    return getattr(obj, "case", obj)


@rules.predicate
def own_pupil(user: Any, obj: Any = None) -> bool:
    """Without a case: some (the list, filtered by cases.cases_for); with one: the case names the
    user's school."""
    case = _case(obj)
    return case is None or (case.school_id is not None and case.school_id == getattr(user, "unit_id", None))


@rules.predicate
def not_sealed(user: Any, obj: Any = None) -> bool:
    return obj is None or not _case(obj).sealed


@rules.predicate
def minor_grade(user: Any, obj: Any = None) -> bool:
    return obj is None or _case(obj).grade == "minor"


reads = ((justice & in_jurisdiction) | (school & own_pupil)) & not_sealed
rules.add_perm("intervention.view_case", reads)
rules.add_perm("intervention.add_case", (justice & in_jurisdiction) | school)
rules.add_perm("intervention.add_measure", reads)
rules.add_perm("intervention.add_referral", reads)
rules.add_perm("intervention.add_review", reads)
# A school closes only a case of misbehaviour of its own pupil; serious ones are the police's and
# the procuratorate's to close.
rules.add_perm(
    "intervention.close_case", ((justice & in_jurisdiction) | (school & own_pupil & minor_grade)) & not_sealed
)
# A lawful query of a sealed case (art. 59): judicial organs only.
rules.add_perm("intervention.query_sealed", justice & in_jurisdiction)
# District totals, protected (core.disclosure): the office, the police and the procuratorate.
rules.add_perm("intervention.view_summary", has_role(Role.COORDINATOR) | justice)

# No admin-site access at all: the system administrator reads no case.
