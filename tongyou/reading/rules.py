"""Who may do what in 萌阅. Jurisdiction as everywhere (core.scoping): an entitlement belongs to
the area where the child lives now, so a child who moves is served by the new community."""

from __future__ import annotations

import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction, is_admin, is_coordinator, reads_aggregates

# The office sets the milestones and what each pack holds.
rules.add_perm("reading.manage_milestone", is_coordinator)
# Pick-up points and their stock: the office, the street and the community, and the units that
# run points (a library, a clinic, a kindergarten), each in their own area.
keepers = (
    has_role(Role.COORDINATOR, Role.STREET_OFFICER, Role.CHILD_DIRECTOR, Role.UNIT_OFFICER) & in_jurisdiction
)
rules.add_perm("reading.view_pickuppoint", keepers)
rules.add_perm(
    "reading.manage_pickuppoint", has_role(Role.COORDINATOR, Role.STREET_OFFICER) & in_jurisdiction
)
rules.add_perm("reading.add_stockreceipt", keepers)
# Handing a pack over names the child: those who read the child's record where the child lives,
# and the staff of the units that hand packs over (at the child-health check, in kindergarten).
givers = has_role(Role.CHILD_DIRECTOR, Role.STREET_OFFICER, Role.UNIT_OFFICER) & in_jurisdiction
rules.add_perm("reading.add_delivery", givers)
# Finding a child's due packs by ID number, to hand one over (a clinic, a kindergarten).
rules.add_perm("reading.deliver_entitlement", givers)
rules.add_perm("reading.add_attempt", givers)
# The list of children not yet reached, for visits: the community child director and the street.
rules.add_perm(
    "reading.view_entitlement", has_role(Role.CHILD_DIRECTOR, Role.STREET_OFFICER) & in_jurisdiction
)
# They also record that a child left the district (the packs close), and withdraw it.
rules.add_perm("reading.view_departure", has_role(Role.CHILD_DIRECTOR, Role.STREET_OFFICER) & in_jurisdiction)
# Coverage is an aggregate: protected unless the user reads records (core.disclosure).
rules.add_perm("reading.view_coverage", reads_aggregates & in_jurisdiction)

# Parent surveys: recorded by those who hand packs over; read only in aggregate.
rules.add_perm("reading.aggregate_parentsurvey", reads_aggregates & in_jurisdiction)
rules.add_perm("reading.view_loan", keepers)
# A delivery is read (to survey the family) by those who read the list of children to reach.
rules.add_perm("reading.view_delivery", has_role(Role.CHILD_DIRECTOR, Role.STREET_OFFICER) & in_jurisdiction)

# In the admin site: the system administrator sees the milestones (no children's data).
rules.add_perm("reading", is_admin)
