"""The administrator manages accounts, units, lockouts and second factors through the admin site."""

import rules

from tongyou.core.predicates import is_admin

for app_label, models in {
    "accounts": ("user", "unit"),
    "axes": ("accessattempt", "accesslog", "accessfailurelog"),
    "otp_totp": ("totpdevice",),
}.items():
    rules.add_perm(app_label, is_admin)
    for model in models:
        for action in ("view", "add", "change", "delete"):
            rules.add_perm(f"{app_label}.{action}_{model}", is_admin)
