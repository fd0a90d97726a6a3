"""Parent schools and guidance points, kept by the women's federation, education and the streets."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.regions.models import Region

from .models import GuidancePoint

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def open_point(
    user: User, *, name: str, kind: str, host: str, region: Region, opened_on: dt.date | None
) -> GuidancePoint:
    point = GuidancePoint(name=name.strip()[:100], kind=kind, host=host, region=region)
    require(user, "guidance.change_guidancepoint", point)
    if not point.name:
        raise Refusal(_("Enter the name of the parent school or guidance point."))
    if kind not in GuidancePoint.Kind.values or host not in GuidancePoint.Host.values:
        raise Refusal(_("Choose the kind and who runs it."))
    if region.level != Region.Level.COMMUNITY:
        raise Refusal(_("A guidance point serves a community: choose a community."))
    if opened_on is None or opened_on > timezone.localdate():
        raise Refusal(_("Enter the date it opened (not in the future)."))
    point.opened_on = opened_on
    try:
        with transaction.atomic():
            point.save()
    except IntegrityError:
        raise Refusal(_("This community already has a point of this name.")) from None
    record(AuditEntry.Action.CREATE, user=user, obj=point, details={"kind": kind})
    return point


@transaction.atomic
def close_point(user: User, point: GuidancePoint, on: dt.date | None = None) -> GuidancePoint:
    require(user, "guidance.change_guidancepoint", point)
    point = GuidancePoint.objects.select_for_update().get(pk=point.pk)
    if point.closed_on is not None:
        raise Refusal(_("This point is already closed."))
    on = on or timezone.localdate()
    if on < point.opened_on:
        raise Refusal(_("It cannot close before it opened."))
    point.closed_on = on
    point.save(update_fields=["closed_on"])
    record(AuditEntry.Action.UPDATE, user=user, obj=point, details={"closed": on.isoformat()})
    return point


def operating(day: dt.date) -> set[int]:
    """The communities with a point operating on `day`."""
    from django.db.models import Q

    return set(
        GuidancePoint.objects.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=day), opened_on__lte=day
        ).values_list("region_id", flat=True)
    )
