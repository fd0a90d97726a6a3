"""District totals of graded intervention, the only aggregate these records feed: open cases and
cases opened and closed in the year, by grade, for the whole district and nothing finer — every
figure through core.disclosure, protected for every reader (the police and procuratorate read
their own cases; a total is never exact, so it adds nothing to what they may read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from tongyou.core import disclosure
from tongyou.core.scoping import require

from .models import Case, Grade

if TYPE_CHECKING:
    from tongyou.accounts.models import User


@dataclass
class Row:
    grade: str
    label: str
    open: int | None
    opened: int | None
    closed: int | None


def district_totals(user: User, year: int | None = None) -> list[Row]:
    require(user, "intervention.view_summary")
    year = year or timezone.localdate().year
    policy = disclosure.PROTECTED
    disclosure.check_question(policy, area="district", attributes=["grade"])
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # Sealed cases count too: a total names no child, and leaving them out would make the
    # difference between two years' totals a count of sealings.
    rows = list(Case.objects.values_list("grade", "status", "child_id", "opened_on", "closed_on"))

    def shown(ids: list[int]) -> int | None:
        return disclosure.persons(disclosure.Signature.of(set(ids)), policy)

    table = []
    for grade in Grade:
        mine = [r for r in rows if r[0] == grade.value]
        table.append(
            Row(
                grade.value,
                str(grade.label),
                shown([r[2] for r in mine if r[1] == Case.Status.OPEN]),
                shown([r[2] for r in mine if start <= r[3] <= end]),
                shown([r[2] for r in mine if r[4] is not None and start <= r[4] <= end]),
            )
        )
    return table
