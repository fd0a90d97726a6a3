from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from tongyou.accounts.roles import ADMINISTRATORS, Role
from tongyou.core.predicates import has_role, in_jurisdiction, is_admin, is_coordinator

if TYPE_CHECKING:
    from tongyou.accounts.models import Unit, User

# The coordinator keeps the plan current; the administrator can too.
manages_plan = is_admin | is_coordinator
rules.add_perm("monitoring", manages_plan)
for model in ("plan", "planarea", "plantask", "indicator", "target", "reportinground"):
    for action in ("view", "add", "change"):
        rules.add_perm(f"monitoring.{action}_{model}", manages_plan)


@rules.predicate
def member_of(user: User, unit: Unit | None = None) -> bool:
    """Staff of a unit report for it (researchers only read aggregates; the administrator runs
    the system). Without a unit: whether the user reports for some unit at all."""
    if getattr(user, "unit_id", None) is None or user.role in ADMINISTRATORS | {Role.RESEARCHER}:
        return False
    return unit is None or user.unit_id == unit.pk


rules.add_perm("monitoring.report_for_unit", has_role(*Role.values) & member_of)
# The 妇儿工委 office reviews every report.
rules.add_perm("monitoring.review_progressreport", is_coordinator)
rules.add_perm("monitoring.view_progressreport", is_coordinator | member_of)
# Dashboards are aggregates: staff and researchers, each within their jurisdiction.
dashboard_roles = has_role(
    Role.COORDINATOR, Role.UNIT_OFFICER, Role.STREET_OFFICER, Role.CASEWORKER, Role.POLICE, Role.RESEARCHER
)
rules.add_perm("monitoring.view_indicatorvalue", dashboard_roles & in_jurisdiction)
rules.add_perm("monitoring.compute_indicatorvalue", is_coordinator)
# The publicity department (区委宣传部, 区融媒体中心) and the office publish the public column.


@rules.predicate
def in_publicity(user: User) -> bool:
    return getattr(getattr(user, "unit", None), "code", None) in ("xcb", "rmt")


rules.add_perm("monitoring.add_newsitem", is_coordinator | (has_role(Role.UNIT_OFFICER) & in_publicity))
