import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction, is_admin, is_coordinator, reads_aggregates

# Coverage is an aggregate of where children live: aggregate readers, within their jurisdiction.
rules.add_perm("spaces.aggregate_facility", reads_aggregates & in_jurisdiction)

# Inspections: unit officers (卫健委, 市场监管局, 住建局…), street officers and the coordinator of the area.
rules.add_perm(
    "spaces.inspect_facility",
    has_role(Role.UNIT_OFFICER, Role.STREET_OFFICER, Role.COORDINATOR) & in_jurisdiction,
)
rules.add_perm(
    "spaces.view_finding",
    has_role(Role.UNIT_OFFICER, Role.STREET_OFFICER, Role.COORDINATOR) & in_jurisdiction,
)
# Listing the facilities of an area (they are public one by one; the register is the inspectors').
rules.add_perm(
    "spaces.view_facility",
    (has_role(Role.UNIT_OFFICER, Role.STREET_OFFICER, Role.COORDINATOR) & in_jurisdiction) | is_admin,
)
# The registry itself (facilities, designations, populations) is kept by the system administrator
# in the admin site: reference data, no personal data.
rules.add_perm("spaces", is_admin)
for model in ("facility", "designation", "population"):
    for action in ("add", "change", "delete"):
        rules.add_perm(f"spaces.{action}_{model}", is_admin)
for model in ("designation", "population"):
    rules.add_perm(f"spaces.view_{model}", is_admin)

# The statistics bureau's population figures are uploaded by the office (妇儿工委办) district-wide,
# or kept by the system administrator in the admin site.
rules.add_perm("spaces.import_population", is_coordinator | is_admin)
