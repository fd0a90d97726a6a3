"""Coverage of the scheme (RP-05 残疾儿童康复救助覆盖率): children 0–10 assisted in the year ÷
registered disabled children 0–10 assessed as needing rehabilitation, by street and kind of
disability. Every count of children goes through core.disclosure (protected unless the reader
reads children's records)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from tongyou.core import disclosure
from tongyou.core.scoping import require, scoped
from tongyou.datahub.services.filters import years_before
from tongyou.regions.models import Region

from .models import ASSISTED, PRIORITY_AGE, Application, Category, Registration

if TYPE_CHECKING:
    from tongyou.accounts.models import User


@dataclass
class Cell:
    registered: int | None
    assisted: int | None
    share: float | None


@dataclass
class CoverageTable:
    year: int
    columns: list[tuple[str, str]]
    rows: list[tuple[Region, list[Cell]]] = field(default_factory=list)
    total: list[Cell] = field(default_factory=list)
    protected: bool = True


def as_of(year: int) -> dt.date:
    return min(dt.date(year, 12, 31), timezone.localdate())


def assisted_children(year: int) -> set[int]:
    """Children assisted at some time in `year` (an approved application in force that year)."""
    day = as_of(year)
    return set(
        Application.objects.filter(status__in=ASSISTED, approved_on__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=dt.date(year, 1, 1)))
        .values_list("child_id", flat=True)
    )


def priority_registrations(year: int) -> Q:
    """Registrations counted: assessed as needing rehabilitation, the child 0–10 at the year's
    reckoning day (the plan's priority ages)."""
    day = as_of(year)
    return Q(
        needs_rehabilitation=True,
        child__birth_date__gt=years_before(day, PRIORITY_AGE + 1),
        child__birth_date__lte=day,
    )


def coverage(user: User, year: int | None = None) -> CoverageTable:
    require(user, "rehabilitation.view_coverage")
    year = year or timezone.localdate().year
    policy = disclosure.Policy.for_user(user)
    disclosure.check_question(policy, area="street", attributes=["age", "disability"])
    assisted = assisted_children(year)
    registrations = scoped(Registration.objects.filter(priority_registrations(year)), user, "aggregate")
    # Rows: the streets of the user's area; a user whose area is one community sees that
    # community as the one row (never a street's name over a part of it).
    jurisdiction = user.jurisdiction.path if user.jurisdiction else "-"
    areas = list(
        Region.objects.filter(level=Region.Level.STREET, path__startswith=jurisdiction).order_by("path")
    )
    if not areas and user.jurisdiction is not None:
        areas = [user.jurisdiction]
    registered: dict[tuple[str, str], set[int]] = defaultdict(set)
    for child_id, category, path in registrations.values_list(
        "child_id", "category", "child__residence_region__path"
    ).iterator():
        where = next((a.path for a in areas if path.startswith(a.path)), None)
        if where is not None:
            registered[(where, category)].add(child_id)
            registered[(where, "")].add(child_id)
    columns = [(c.value, str(c.label)) for c in Category] + [("", gettext("All kinds"))]
    table = CoverageTable(year, columns, protected=policy.protected)

    def cell(whole: set[int], part: set[int]) -> Cell:
        shown_whole = disclosure.persons(disclosure.Signature.of(whole), policy)
        shown_part = disclosure.persons(disclosure.Signature.of(part), policy)
        return Cell(shown_whole, shown_part, disclosure.share(shown_part, shown_whole))

    sums: dict[str, set[int]] = defaultdict(set)
    for area in areas:
        cells = []
        for key, _label in columns:
            whole = registered[(area.path, key)]
            sums[key] |= whole
            cells.append(cell(whole, whole & assisted))
        table.rows.append((area, cells))
    table.total = [cell(sums[key], sums[key] & assisted) for key, _label in columns]
    return table
