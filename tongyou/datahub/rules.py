"""Who may do what with children's records; where is decided by tongyou.core.scoping."""

import rules

from tongyou.core.predicates import exports_persons, in_jurisdiction, reads_aggregates, reads_persons

for model in ("child", "guardian", "household"):
    rules.add_perm(f"datahub.view_{model}", reads_persons & in_jurisdiction)
    rules.add_perm(f"datahub.export_{model}", exports_persons & in_jurisdiction)
    rules.add_perm(f"datahub.aggregate_{model}", reads_aggregates & in_jurisdiction)
rules.add_perm("datahub.reveal_child", exports_persons & in_jurisdiction)
