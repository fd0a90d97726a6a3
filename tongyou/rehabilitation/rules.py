"""Who may do what in rehabilitation assistance. The district disability federation (区残联, a
unit officer of unit "cl") leads: it keeps the register, reviews, designates institutions and
settles. The community child director and the street file the guardian's application for children
of their area; health refers children found at screenings. Jurisdiction as everywhere."""

from __future__ import annotations

import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction, is_admin, of_unit, reads_aggregates

federation = of_unit("cl")
filers = has_role(Role.CHILD_DIRECTOR, Role.STREET_OFFICER)

# The register names disabled children: the federation, and the community and street for theirs.
rules.add_perm("rehabilitation.view_registration", (federation | filers) & in_jurisdiction)
rules.add_perm("rehabilitation.assess_registration", federation & in_jurisdiction)
# Health (卫健委) refers a child found at a screening, by the child's full ID number; it does not
# read the register.
rules.add_perm("rehabilitation.refer_child", of_unit("wjw") & in_jurisdiction)

rules.add_perm("rehabilitation.view_application", (federation | filers) & in_jurisdiction)
rules.add_perm("rehabilitation.add_application", filers & in_jurisdiction)
# Every step of an application (assistance.FLOW checks the step's role on top).
rules.add_perm("rehabilitation.act_on_application", (federation | filers) & in_jurisdiction)
rules.add_perm("rehabilitation.settle_servicemonth", federation & in_jurisdiction)

# Institutions and standards name no child: the federation keeps them; the office reads them.
rules.add_perm("rehabilitation.view_institution", federation | has_role(Role.COORDINATOR))
rules.add_perm("rehabilitation.change_institution", federation)
rules.add_perm("rehabilitation.change_standard", federation)

# Coverage is an aggregate: protected unless the reader reads children's records (core.disclosure).
rules.add_perm("rehabilitation.view_coverage", (reads_aggregates & in_jurisdiction))
rules.add_perm("rehabilitation.aggregate_registration", reads_aggregates & in_jurisdiction)

rules.add_perm("rehabilitation", is_admin)
