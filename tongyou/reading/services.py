"""Small reads the pages share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tongyou.core.scoping import scoped
from tongyou.datahub.models import ID_INDEX_PURPOSE
from tongyou.datahub.services.search import ID_LIKE
from tongyou.privacy.blind_index import blind_index

from .models import Entitlement, PickupPoint

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def due_for_id_number(user: User, id_number: str) -> QuerySet[Any]:
    """The packs due (or lapsed) to the child with this full ID number, if the child lives in the
    user's area and the user hands packs over; nothing otherwise (an exact match only)."""
    number = (id_number or "").strip().upper()
    if not ID_LIKE.match(number):
        return Entitlement.objects.none()
    return (
        scoped(Entitlement.objects.exclude(status=Entitlement.Status.DELIVERED), user, "deliver")
        .filter(child__id_number_index=blind_index(number, ID_INDEX_PURPOSE))
        .select_related("child", "milestone")
    )


def points_for(user: User) -> QuerySet[Any]:
    """The active pick-up points in the user's area."""
    return scoped(PickupPoint.objects.filter(active=True), user).select_related("region")
