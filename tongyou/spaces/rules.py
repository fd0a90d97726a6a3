import rules

from tongyou.core.predicates import in_jurisdiction, reads_aggregates

# Coverage is an aggregate of where children live: aggregate readers, within their jurisdiction.
rules.add_perm("spaces.aggregate_facility", reads_aggregates & in_jurisdiction)
