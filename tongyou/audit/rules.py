import rules

from tongyou.core.predicates import is_admin

rules.add_perm("audit.view_auditentry", is_admin)
