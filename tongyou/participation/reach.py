"""Reach and equity: who takes part against who lives there, which no indicator anchor measures
and only a platform holding the child master index can compute.

A child "took part" in a year if they filed a proposal, supported or commented on one, answered
a survey or held a council seat during it. The table sets them against the children of the
same area and kind in the index (by age band, sex or group: left-behind, floating, disabled,
low-income), every count through core.disclosure, so the office sees which children are never
heard without anyone learning which child was. The second table is the units' record of
answering on time (counts of proposals: things, exact)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core import disclosure
from tongyou.core.scoping import scoped
from tongyou.datahub.codes import Sex
from tongyou.datahub.models import Child
from tongyou.datahub.services.groups import EQUITY_GROUPS, members
from tongyou.regions.models import Region

from .models import Comment, CouncilMember, Proposal, Support, SurveyResponse

if TYPE_CHECKING:
    from tongyou.accounts.models import User

DIMENSIONS = {
    "age": _("Age band"),
    "sex": _("Sex"),
    "group": _("Group"),
}
GROUPS = EQUITY_GROUPS


def took_part(year: int) -> set[int]:
    """The children who took part in any way during `year`."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found: set[int] = set()
    found.update(
        Proposal.objects.filter(created_at__year=year, participant__isnull=False)
        .exclude(status=Proposal.Status.WITHDRAWN)
        .values_list("participant__child_id", flat=True)
    )
    found.update(Support.objects.filter(at__year=year).values_list("participant__child_id", flat=True))
    found.update(
        Comment.objects.filter(created_at__year=year)
        .exclude(status=Comment.Status.WITHDRAWN)
        .values_list("participant__child_id", flat=True)
    )
    found.update(SurveyResponse.objects.filter(at__year=year).values_list("child_id", flat=True))
    found.update(
        CouncilMember.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=start), term_start__lte=end
        ).values_list("child_id", flat=True)
    )
    return found


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass
class Cell:
    residents: int | None
    took_part: int | None
    share: float | None


@dataclass
class ReachTable:
    year: int
    dimension: str
    area_level: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple[Region, list[Cell]]] = field(default_factory=list)
    protected: bool = True


def reach(user: User, *, year: int, dimension: str, area_level: str = "community") -> ReachTable:
    """Children who took part ÷ children living there, by area and one more attribute. Raises a
    refusal for a question the user's disclosure policy does not allow."""
    if dimension not in DIMENSIONS:
        dimension = "age"
    policy = disclosure.Policy.for_user(user)
    disclosure.check_question(policy, area=area_level, attributes=[dimension])
    level = Region.Level.COMMUNITY if area_level == "community" else Region.Level.STREET
    day = min(dt.date(year, 12, 31), timezone.localdate())
    children = scoped(Child.objects.all(), user, "aggregate").values_list(
        "pk", "residence_region__path", "birth_date", "sex"
    )
    areas = list(
        Region.objects.filter(
            level=level, path__startswith=user.jurisdiction.path if user.jurisdiction else "-"
        ).order_by("path")
    )
    columns: list[tuple[str, str]]
    classify: Callable[[int, dt.date, str], list[str]]
    if dimension == "age":
        columns = [(f"{lo}-{hi}", f"{lo}–{hi}") for lo, hi in disclosure.AGE_BAND_EDGES]

        def classify(pk: int, birth: dt.date, sex: str) -> list[str]:
            age = _age(birth, day)
            return [f"{lo}-{hi}" for lo, hi in disclosure.AGE_BAND_EDGES if lo <= age <= hi]

    elif dimension == "sex":
        columns = [(value, str(label)) for value, label in Sex.choices]

        def classify(pk: int, birth: dt.date, sex: str) -> list[str]:
            return [sex]

    else:
        groups = members(day)
        columns = [(key, str(label)) for key, label in GROUPS.items()]

        def classify(pk: int, birth: dt.date, sex: str) -> list[str]:
            return [key for key, members in groups.items() if pk in members]

    participants = took_part(year)
    residents: dict[tuple[str, str], list[int]] = defaultdict(list)
    heard: dict[tuple[str, str], list[int]] = defaultdict(list)
    prefix = {a.path: a for a in areas}
    depth = {Region.Level.STREET: 2, Region.Level.COMMUNITY: 3}[level]
    for pk, path, birth, sex in children:
        area_path = "/" + "/".join(path.strip("/").split("/")[:depth]) + "/"
        if area_path not in prefix or birth > day:
            continue
        for key in classify(pk, birth, sex):
            residents[(area_path, key)].append(pk)
            if pk in participants:
                heard[(area_path, key)].append(pk)
    table = ReachTable(year, dimension, area_level, columns, protected=policy.protected)
    for area in areas:
        cells = []
        for key, _label in columns:
            whole = disclosure.persons(disclosure.Signature.of(residents[(area.path, key)]), policy)
            part = disclosure.persons(disclosure.Signature.of(heard[(area.path, key)]), policy)
            cells.append(Cell(whole, part, disclosure.share(part, whole)))
        table.rows.append((area, cells))
    return table


@dataclass
class UnitRecord:
    unit: Any
    assigned: int | None
    answered_on_time: int | None
    answered_late: int | None
    overdue_now: int | None
    share_on_time: float | None


def answering_on_time(user: User, today: dt.date | None = None) -> list[UnitRecord]:
    """For each unit given children's proposals in the user's area: how many were answered by
    the deadline, late, or are overdue now. Proposals are things: shown as they are."""
    today = today or timezone.localdate()
    proposals = scoped(Proposal.objects.filter(unit__isnull=False), user).select_related("unit")
    tally: dict[int, dict[str, Any]] = {}
    for proposal in proposals:
        row = tally.setdefault(
            proposal.unit_id, {"unit": proposal.unit, "assigned": 0, "on_time": 0, "late": 0, "overdue": 0}
        )
        row["assigned"] += 1
        on_time = proposal.answered_on_time()
        if on_time is True:
            row["on_time"] += 1
        elif on_time is False:
            row["late"] += 1
        elif (
            proposal.status == Proposal.Status.ASSIGNED and proposal.reply_due and proposal.reply_due < today
        ):
            row["overdue"] += 1
    records = []
    for row in sorted(tally.values(), key=lambda r: r["unit"].name):
        due = row["on_time"] + row["late"] + row["overdue"]
        records.append(
            UnitRecord(
                row["unit"],
                disclosure.things(row["assigned"]),
                disclosure.things(row["on_time"]),
                disclosure.things(row["late"]),
                disclosure.things(row["overdue"]),
                disclosure.share(row["on_time"], due),
            )
        )
    return records
