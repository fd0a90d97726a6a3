"""Deciding records that linkage could not settle: merge into the candidate, keep apart as a new
child, or undo either. Every decision is audited."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require, scoped
from tongyou.regions.models import Region

from ..models import Child, LinkReview
from .imports.pipeline import add_mother, new_child

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def reviewable(user: User) -> QuerySet[LinkReview]:
    """Reviews in the user's area whose candidate child the user may also see: deciding shows both."""
    return scoped(LinkReview.objects.filter(candidate__in=scoped(Child.objects.all(), user)), user)


def incoming(review: LinkReview) -> Any:
    """The review's record with Python values again."""
    data = json.loads(review.record)
    data["birth_date"] = datetime.date.fromisoformat(data["birth_date"])
    data["residence"] = Region.objects.get(code=data["residence"])
    return data


def _decide(review: LinkReview, user: User, status: str, **changes: Any) -> None:
    review.status = status
    review.decided_by = user
    review.decided_at = timezone.now()
    for name, value in changes.items():
        setattr(review, name, value)
    review.save()


@transaction.atomic
def merge(review: LinkReview, user: User) -> None:
    require(user, "datahub.review_linkreview", review)
    if review.status != LinkReview.Status.PENDING:
        raise Refusal(_("This record has already been decided."))
    guardian = add_mother(review.candidate, incoming(review), review.batch)
    _decide(review, user, LinkReview.Status.MERGED, created_guardian=guardian)
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=review,
        details={"decision": "merge", "child": review.candidate_id, "probability": review.match_probability},
    )


@transaction.atomic
def keep_apart(review: LinkReview, user: User) -> None:
    require(user, "datahub.review_linkreview", review)
    if review.status != LinkReview.Status.PENDING:
        raise Refusal(_("This record has already been decided."))
    data = incoming(review)
    child = new_child(data)
    child.save()
    add_mother(child, data, review.batch)
    _decide(review, user, LinkReview.Status.KEPT_APART, created_child=child)
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=review,
        details={"decision": "keep_apart", "child_created": child.pk},
    )


@transaction.atomic
def undo(review: LinkReview, user: User) -> None:
    """Take a decision back: what it added is removed and the record waits for review again."""
    require(user, "datahub.review_linkreview", review)
    if review.status == LinkReview.Status.PENDING:
        raise Refusal(_("There is no decision to undo."))
    previous = review.status
    if previous == LinkReview.Status.MERGED and review.created_guardian:
        review.created_guardian.delete()
    if previous == LinkReview.Status.KEPT_APART and review.created_child:
        child = review.created_child
        if _has_other_data(child):
            raise Refusal(_("The child created by this decision has other records now; it cannot be undone."))
        child.delete()
    review.status = LinkReview.Status.PENDING
    review.decided_by = review.decided_at = review.created_child = review.created_guardian = None
    review.save()
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=review,
        details={"decision": "undo", "undone": previous},
    )


def _has_other_data(child: Child) -> bool:
    from .timeline import timeline

    return bool(timeline(child)) or child.guardians.count() > 1
