import rules

from tongyou.core.predicates import is_audit_admin

# The audit administrator reads the audit log, and nobody else does (三员分立).
rules.add_perm("audit.view_auditentry", is_audit_admin)
