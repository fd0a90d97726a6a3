"""Who may do what in family-education guidance. The women's federation (妇联, unit "fl") and
education (教育局, "jyj") lead; community child directors and street officers visit families (the
visits name families and children: their area only); points and aggregates name nobody."""

from __future__ import annotations

import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction, of_unit, reads_aggregates

visitors = has_role(Role.CHILD_DIRECTOR, Role.STREET_OFFICER)
leads = of_unit("fl", "jyj")

rules.add_perm("guidance.view_visit", visitors & in_jurisdiction)
rules.add_perm("guidance.add_visit", visitors & in_jurisdiction)
rules.add_perm("guidance.view_guidancepoint", reads_aggregates & in_jurisdiction)
rules.add_perm("guidance.change_guidancepoint", (leads | has_role(Role.STREET_OFFICER)) & in_jurisdiction)
rules.add_perm("guidance.view_reach", reads_aggregates & in_jurisdiction)
