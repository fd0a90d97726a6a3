"""Designated rehabilitation institutions (定点康复机构), kept by the disability federation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.regions.models import Region

from .models import AidKind, Application, Category, Institution, Status

if TYPE_CHECKING:
    from tongyou.accounts.models import User

MAX_CAPACITY = 10_000


def save_institution(
    user: User,
    *,
    name: str,
    region: Region,
    categories: list[str],
    aid_kinds: list[str],
    capacity: int,
    designated_until: dt.date | None,
    credit_code: str = "",
    phone: str = "",
    status: str = Institution.Status.DESIGNATED,
    institution: Institution | None = None,
) -> Institution:
    """Designate an institution, or change one (its capacity never below the children it serves)."""
    require(user, "rehabilitation.change_institution")
    path = user.jurisdiction.path if user.jurisdiction else None
    if path is None or not region.path.startswith(path):
        raise Refusal(_("Choose an area within your jurisdiction."))
    name = name.strip()
    if not name:
        raise Refusal(_("Enter the institution's name."))
    categories = [c for c in dict.fromkeys(categories) if c in Category.values and c != Category.OTHER]
    aid_kinds = [a for a in dict.fromkeys(aid_kinds) if a in AidKind.values]
    if not categories:
        raise Refusal(_("Choose at least one kind of disability the institution serves."))
    if not aid_kinds:
        raise Refusal(_("Choose at least one kind of aid the institution gives."))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise Refusal(
            _("Enter how many children it serves at once (1 to %(most)d).") % {"most": MAX_CAPACITY}
        )
    if designated_until is None:
        raise Refusal(_("Enter the date the designation runs to."))
    code = credit_code.strip().upper()
    if code and not uscc.is_valid(code):
        raise Refusal(_("The unified social credit code is not valid (18 characters, check digit last)."))
    if status not in Institution.Status.values:
        raise Refusal(_("Choose the designation's status."))
    with transaction.atomic():
        if institution is not None:
            institution = Institution.objects.select_for_update().get(pk=institution.pk)
            serving = institution.applications.filter(status=Status.APPROVED).count()
            if capacity < serving:
                raise Refusal(
                    _("%(n)d children are in service there: the capacity cannot be lower.") % {"n": serving}
                )
        else:
            institution = Institution()
        institution.name, institution.region = name[:100], region
        institution.categories, institution.aid_kinds = categories, aid_kinds
        institution.capacity, institution.designated_until = capacity, designated_until
        institution.credit_code, institution.phone, institution.status = code, phone.strip()[:30], status
        try:
            with transaction.atomic():
                institution.save()
        except IntegrityError:
            raise Refusal(_("An institution of this name is already designated.")) from None
    record(
        AuditEntry.Action.UPDATE, user=user, obj=institution, details={"status": status, "capacity": capacity}
    )
    return institution


def places_taken(institutions: QuerySet[Institution]) -> list[tuple[Institution, int]]:
    """Each of `institutions` with the children in service there now (two queries in all)."""
    listed = list(institutions)
    taken = dict(
        Application.objects.filter(status=Status.APPROVED, institution__in=listed)
        .values("institution")
        .annotate(n=Count("pk"))
        .values_list("institution", "n")
    )
    return [(i, taken.get(i.pk, 0)) for i in listed]
