"""Who may do what with children's records; where is decided by tongyou.core.scoping."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from tongyou.accounts.roles import Role
from tongyou.core import scoping
from tongyou.core.predicates import (
    exports_persons,
    has_role,
    in_jurisdiction,
    reads_aggregates,
    reads_persons,
)

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.datahub.models import LinkReview, Source

PERSON_MODELS = (
    "child",
    "guardian",
    "household",
    "enrolment",
    "insuranceenrolment",
    "disability",
    "statusperiod",
    "vaccination",
)

for model in PERSON_MODELS:
    rules.add_perm(f"datahub.view_{model}", reads_persons & in_jurisdiction)
    rules.add_perm(f"datahub.export_{model}", exports_persons & in_jurisdiction)
    rules.add_perm(f"datahub.aggregate_{model}", reads_aggregates & in_jurisdiction)
rules.add_perm("datahub.reveal_child", exports_persons & in_jurisdiction)


@rules.predicate
def of_the_source_unit(user: User, source: Source | None = None) -> bool:
    """A department imports its own source: the uploader's unit is the source's unit."""
    return source is None or (user.unit_id is not None and user.unit_id == source.unit_id)


@rules.predicate
def has_jurisdiction(user: User) -> bool:
    return scoping.jurisdiction_path(user) is not None


# Unit officers (education, insurance, disability federation), caseworkers (civil affairs) and
# police (household registration) load their own department's data, inside their jurisdiction.
rules.add_perm(
    "datahub.import_source",
    has_role(Role.UNIT_OFFICER, Role.CASEWORKER, Role.POLICE) & of_the_source_unit & has_jurisdiction,
)


@rules.predicate
def candidate_in_jurisdiction(user: User, review: LinkReview | None = None) -> Any:
    return review is None or scoping.in_jurisdiction(user, review.candidate)


# Merging identities is consequential: caseworkers and street officers decide, where they can
# see both the incoming record and the child it may be.
reviews_links = has_role(Role.CASEWORKER, Role.STREET_OFFICER) & in_jurisdiction & candidate_in_jurisdiction
rules.add_perm("datahub.view_linkreview", reviews_links)
rules.add_perm("datahub.review_linkreview", reviews_links)
