import rules

from tongyou.core.predicates import is_admin, is_coordinator

# The coordinator keeps the plan current; the administrator can too.
manages_plan = is_admin | is_coordinator
rules.add_perm("monitoring", manages_plan)
for model in ("plan", "planarea", "plantask"):
    for action in ("view", "add", "change"):
        rules.add_perm(f"monitoring.{action}_{model}", manages_plan)
