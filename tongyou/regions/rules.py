import rules

from tongyou.core.predicates import is_admin

rules.add_perm("regions", is_admin)
for action in ("view", "add", "change"):
    rules.add_perm(f"regions.{action}_region", is_admin)
