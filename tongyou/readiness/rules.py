"""Who may do what in disaster readiness for children. The emergency-management bureau (应急管理局,
unit "yjj") leads with education, development and reform, health and commerce (the plan's lead
units for (四)6). Screening names orphans and de-facto-unsupported children: the caseworker, the
street and the community child director do it for their area. Places and supplies name no child."""

from __future__ import annotations

import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction, of_unit, reads_aggregates

emergency = of_unit("yjj")
visitors = has_role(Role.CASEWORKER, Role.STREET_OFFICER, Role.CHILD_DIRECTOR)

# Screenings and their follow-ups: named children.
rules.add_perm("readiness.view_screening", visitors & in_jurisdiction)
rules.add_perm("readiness.add_screening", visitors & in_jurisdiction)
# How complete the screening is: an aggregate (protected unless the reader reads records).
rules.add_perm("readiness.view_completion", reads_aggregates & in_jurisdiction)

# Children-dense places: the emergency bureau, education, the office, streets and communities see
# them; the bureau, education and the street keep plans and drills.
place_keepers = emergency | of_unit("jyj") | has_role(Role.STREET_OFFICER)
rules.add_perm(
    "readiness.view_emergencyplan",
    (place_keepers | has_role(Role.COORDINATOR, Role.CHILD_DIRECTOR)) & in_jurisdiction,
)
rules.add_perm("readiness.change_emergencyplan", place_keepers & in_jurisdiction)

# Supplies: the bureau, commerce (商务局) and the street keep stock; the bureau sets the norms.
supply_keepers = emergency | of_unit("swj") | has_role(Role.STREET_OFFICER)
rules.add_perm(
    "readiness.view_supplystock",
    (supply_keepers | has_role(Role.COORDINATOR, Role.CHILD_DIRECTOR)) & in_jurisdiction,
)
rules.add_perm("readiness.change_supplystock", supply_keepers & in_jurisdiction)
rules.add_perm("readiness.change_supplynorm", emergency)

# The overview (aggregates and things) for everyone who reads aggregates.
rules.add_perm("readiness.view_overview", reads_aggregates & in_jurisdiction)
