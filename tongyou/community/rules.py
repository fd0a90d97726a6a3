"""Who may do what in the talent pool and its activities. Jurisdiction as everywhere."""

from __future__ import annotations

import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction, is_admin

# The pool is kept by the office, the units that recruit (the league committee for counsellors,
# civil affairs for volunteers), streets and community child directors, each in their own area.
keepers = (
    has_role(Role.COORDINATOR, Role.UNIT_OFFICER, Role.STREET_OFFICER, Role.CHILD_DIRECTOR) & in_jurisdiction
)
for permission in (
    "community.view_person",
    "community.manage_person",
    "community.add_backgroundcheck",
    "community.view_organisation",
    "community.manage_organisation",
    "community.manage_activity",
    "community.view_activity",
    "community.confirm_hours",
):
    rules.add_perm(permission, keepers)
# Signing a child up names the child: those who read the child's record where they live.
rules.add_perm("community.add_signup", has_role(Role.CHILD_DIRECTOR, Role.STREET_OFFICER) & in_jurisdiction)

rules.add_perm("community", is_admin)
