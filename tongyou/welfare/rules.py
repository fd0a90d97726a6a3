from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from tongyou.accounts.roles import Role
from tongyou.core.predicates import has_role, in_jurisdiction
from tongyou.regions.models import Region

from .steps import APPLICATION_FLOW

if TYPE_CHECKING:
    from tongyou.accounts.models import User

# Who may act on an application at all: the roles its step table names (steps.py), no more.
welfare_staff = has_role(*APPLICATION_FLOW.roles())
rules.add_perm("welfare.view_allowanceapplication", welfare_staff & in_jurisdiction)
rules.add_perm("welfare.act_allowanceapplication", welfare_staff & in_jurisdiction)
# Filing is checked against the child, whose region decides the jurisdiction.
rules.add_perm("welfare.add_allowanceapplication", welfare_staff & in_jurisdiction)


@rules.predicate
def district_wide(user: User) -> bool:
    jurisdiction = getattr(user, "jurisdiction", None)
    return jurisdiction is not None and jurisdiction.level == Region.Level.DISTRICT


# The district civil-affairs bureau prepares and pays the monthly run for the whole district.
rules.add_perm("welfare.pay_disbursementrun", has_role(Role.CASEWORKER) & district_wide)

# Harm reports are handled by police and civil-affairs staff of the area, and street officers.
rules.add_perm(
    "welfare.handle_harmreport",
    has_role(Role.POLICE, Role.CASEWORKER, Role.STREET_OFFICER) & in_jurisdiction,
)
rules.add_perm(
    "welfare.view_harmreport",
    has_role(Role.POLICE, Role.CASEWORKER, Role.STREET_OFFICER) & in_jurisdiction,
)

# 强制报告 (the 2020 opinions on mandatory reporting of harm to minors): schools and kindergartens,
# hospitals, child welfare and the other bodies in contact with children must report. Their staff
# file through the staff intake, signed in, not through the anonymous public form.
REPORTING_DUTY_UNITS = frozenset(
    {"jyj", "wjw", "mzj", "gafj", "fl", "cl", "tw", "sfj", "jcy", "fy", "jkzx", "rsj", "scjg", "wlgd"}
)


@rules.predicate
def has_reporting_duty(user: User) -> bool:
    unit = getattr(user, "unit", None)
    return unit is not None and unit.code in REPORTING_DUTY_UNITS


rules.add_perm(
    "welfare.file_harmreport",
    has_role(Role.POLICE, Role.CASEWORKER, Role.STREET_OFFICER, Role.CHILD_DIRECTOR)
    | (has_role(Role.UNIT_OFFICER) & has_reporting_duty),
)

# Who is paid, and into which account: caseworkers only; a change needs a second caseworker.
rules.add_perm("welfare.change_payee", has_role(Role.CASEWORKER) & in_jurisdiction)
rules.add_perm("welfare.view_payeechange", welfare_staff & in_jurisdiction)

# Visits and the ledger: community child directors, street officers and caseworkers of the area.
rules.add_perm("welfare.add_visit", welfare_staff & in_jurisdiction)
rules.add_perm("welfare.view_visit", welfare_staff & in_jurisdiction)

# Spot-check findings are recorded by the welfare staff of the child's area.
rules.add_perm("welfare.check_spotcheckitem", welfare_staff & in_jurisdiction)
rules.add_perm("welfare.view_spotcheckitem", welfare_staff & in_jurisdiction)
# Evidence is read by whoever may see the application.
rules.add_perm("welfare.view_evidence", welfare_staff & in_jurisdiction)
