"""Children's emergency supplies (plan task (四)6 (4)): what each community holds, against what it
should hold for the children who live there (a norm per child of the item's age group), with the
shortfall. The number of children is a count of persons: the need is computed from the figure
the reader may see (core.disclosure), so a shortfall never reveals an exact small count."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.scoping import jurisdiction_path, require
from tongyou.datahub.models import Child
from tongyou.datahub.services.filters import years_before
from tongyou.regions.models import Region
from tongyou.regions.tree import community_path

from .models import Supply, SupplyMovement, SupplyNorm, SupplyStock

if TYPE_CHECKING:
    from tongyou.accounts.models import User

MAX_MOVE = 1_000_000


def set_norm(user: User, item: str, age_group: str, per_child: Any) -> SupplyNorm:
    require(user, "readiness.change_supplynorm")
    if item not in Supply.values:
        raise Refusal(_("Choose the item."))
    if age_group not in SupplyNorm.AgeGroup.values:
        raise Refusal(_("Choose the age group the item is held for."))
    try:
        amount = Decimal(str(per_child).strip())
    except InvalidOperation:
        raise Refusal(_("Enter how much per child, such as 2 or 0.5.")) from None
    if not amount.is_finite() or not Decimal("0") < amount <= Decimal("1000"):
        raise Refusal(_("Enter how much per child, such as 2 or 0.5."))
    norm, _created = SupplyNorm.objects.update_or_create(
        item=item,
        defaults={"age_group": age_group, "per_child": amount.quantize(Decimal("0.01")), "set_by": user},
    )
    record(AuditEntry.Action.UPDATE, user=user, obj=norm, details={"per_child": str(norm.per_child)})
    return norm


def move(
    user: User, region: Region, item: str, change: int, on: dt.date | None = None, note: str = ""
) -> SupplyStock:
    """Supplies received (+) or issued (−) for a community: one conditional UPDATE, so stock never
    goes below zero and two issues of the last items cannot both succeed."""
    require(user, "readiness.change_supplystock", SupplyStock(region=region, item=item))
    if region.level != Region.Level.COMMUNITY:
        raise Refusal(_("Supplies are held per community: choose a community."))
    if item not in Supply.values:
        raise Refusal(_("Choose the item."))
    if change == 0 or abs(change) > MAX_MOVE:
        raise Refusal(_("Enter a number of items from 1 to %(most)d.") % {"most": MAX_MOVE})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise Refusal(_("The date cannot be in the future."))
    with transaction.atomic():
        SupplyStock.objects.get_or_create(region=region, item=item)
        updated = SupplyStock.objects.filter(region=region, item=item, quantity__gte=-change).update(
            quantity=F("quantity") + change
        )
        stock = SupplyStock.objects.get(region=region, item=item)
        if not updated:
            raise Refusal(
                _("Only %(held)d held: %(n)d cannot be issued.") % {"held": stock.quantity, "n": -change}
            )
        SupplyMovement.objects.create(
            stock=stock, change=change, on=on, note=note.strip()[:200], recorded_by=user
        )
        record(AuditEntry.Action.UPDATE, user=user, obj=stock, details={"change": change})
    return stock


@dataclass
class Cell:
    held: int
    needed: int | None
    shortfall: int | None


@dataclass
class CommunityRow:
    area: Region
    infants: int | None
    children: int | None
    cells: list[Cell] = field(default_factory=list)


def _need(norm: SupplyNorm | None, shown: int | None) -> int | None:
    if norm is None:
        return None
    # "<5" is planned for as five: a need never tells a small count apart.
    return math.ceil(norm.per_child * (shown if shown is not None else disclosure.THRESHOLD))


def supply_table(
    user: User, today: dt.date | None = None
) -> tuple[list[tuple[str, str]], list[CommunityRow]]:
    require(user, "readiness.view_supplystock")
    today = today or timezone.localdate()
    policy = disclosure.Policy.for_user(user)
    disclosure.check_question(policy, area="community", attributes=["age"])
    path = jurisdiction_path(user) or "-"
    areas = list(Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=path).order_by("path"))
    infants: dict[str, list[int]] = {}
    children: dict[str, list[int]] = {}
    three = years_before(today, 4)  # 0–3: before the fourth birthday
    eighteen = years_before(today, 18)
    for pk, region_path, birth in (
        Child.objects.filter(
            residence_region__path__startswith=path, birth_date__gt=eighteen, birth_date__lte=today
        )
        .values_list("pk", "residence_region__path", "birth_date")
        .iterator()
    ):
        community = community_path(region_path)
        children.setdefault(community, []).append(pk)
        if birth > three:
            infants.setdefault(community, []).append(pk)
    norms = {n.item: n for n in SupplyNorm.objects.all()}
    held = {(s.region_id, s.item): s.quantity for s in SupplyStock.objects.filter(region__in=areas)}
    columns = [(value, str(label)) for value, label in Supply.choices]
    rows = []
    for area in areas:
        shown_infants = disclosure.persons(disclosure.Signature.of(infants.get(area.path, [])), policy)
        shown_children = disclosure.persons(disclosure.Signature.of(children.get(area.path, [])), policy)
        row = CommunityRow(area, shown_infants, shown_children)
        for item, _label in columns:
            norm = norms.get(item)
            base = (
                shown_infants
                if norm is not None and norm.age_group == SupplyNorm.AgeGroup.INFANTS
                else shown_children
            )
            needed = _need(norm, base)
            have = held.get((area.pk, item), 0)
            row.cells.append(Cell(have, needed, None if needed is None else max(0, needed - have)))
        rows.append(row)
    return columns, rows
