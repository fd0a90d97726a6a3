import rules

from .predicates import is_admin

# The system administrator enters each year's official holiday notice (core/workdays.py).
rules.add_perm("core", is_admin)
for action in ("view", "add", "change"):
    rules.add_perm(f"core.{action}_holidaynotice", is_admin)
