"""Who administers what (separation of duties, accounts/access.py and docs/security.md)."""

import rules

from tongyou.core.predicates import is_admin, is_security_admin

rules.add_perm("accounts", is_admin | is_security_admin)
rules.add_perm("accounts.view_user", is_admin | is_security_admin)
rules.add_perm("accounts.add_user", is_admin)
rules.add_perm("accounts.change_user", is_admin | is_security_admin)
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"accounts.{action}_unit", is_admin)

# Lockouts are a security matter; so is removing a lost second factor (the owner enrols again).
rules.add_perm("axes", is_security_admin)
for model in ("accessattempt", "accesslog", "accessfailurelog"):
    for action in ("view", "delete"):
        rules.add_perm(f"axes.{action}_{model}", is_security_admin)
rules.add_perm("otp_totp", is_security_admin)
for action in ("view", "delete"):
    rules.add_perm(f"otp_totp.{action}_totpdevice", is_security_admin)
