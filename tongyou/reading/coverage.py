"""Coverage that no reading programme without a child master index can compute: packs delivered
÷ children registered, by community and milestone, with equity cuts (left-behind, floating,
disabled, low-income families), every count through core.disclosure; and, for the community child
director, the children not yet reached.

A child is counted against the milestone whose age window they are in today; "reached" means
that milestone's pack was delivered to them (wherever they lived then)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from tongyou.core import disclosure
from tongyou.core.scoping import require, scoped
from tongyou.datahub.models import Child
from tongyou.datahub.services.groups import EQUITY_GROUPS, members
from tongyou.regions.models import Region
from tongyou.regions.tree import community_path

from .entitlements import age_in_months, months_before
from .models import MAX_AGE_MONTHS, Delivery, Entitlement, Milestone, ParentSurvey, away

if TYPE_CHECKING:
    from tongyou.accounts.models import User

CUTS = ("milestone", "group")


@dataclass
class Cell:
    registered: int | None
    reached: int | None
    share: float | None


@dataclass
class CoverageTable:
    cut: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple[Region, list[Cell]]] = field(default_factory=list)
    total: list[Cell] = field(default_factory=list)
    protected: bool = True


def _current_milestone(milestones: list[Milestone], age: int) -> Milestone | None:
    return next((m for m in milestones if m.age_from_months <= age < m.age_to_months), None)


def coverage(user: User, *, cut: str = "milestone", today: dt.date | None = None) -> CoverageTable:
    """Registered children of each milestone's age and those of them whose pack was delivered,
    by community of residence, for the user's area. Raises a refusal for a question the user's
    disclosure policy does not allow."""
    require(user, "reading.view_coverage")
    cut = cut if cut in CUTS else "milestone"
    today = today or timezone.localdate()
    policy = disclosure.Policy.for_user(user)
    disclosure.check_question(
        policy, area="community", attributes=["age"] if cut == "milestone" else ["age", "group"]
    )
    milestones = list(Milestone.objects.filter(active=True))
    youngest = months_before(today, MAX_AGE_MONTHS)
    children = scoped(Child.objects.exclude(away()), user, "aggregate").filter(
        birth_date__gt=youngest, birth_date__lte=today
    )
    delivered = set(
        Delivery.objects.filter(entitlement__child__in=children.values("pk")).values_list(
            "entitlement__child_id", "entitlement__milestone_id"
        )
    )
    groups = members(today) if cut == "group" else {}
    columns: list[tuple[str, str]] = (
        [(str(m.pk), m.name) for m in milestones]
        if cut == "milestone"
        else [(key, str(label)) for key, label in EQUITY_GROUPS.items()]
    )
    registered: dict[tuple[str, str], list[int]] = defaultdict(list)
    reached: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, path, birth in children.values_list("pk", "residence_region__path", "birth_date").iterator():
        milestone = _current_milestone(milestones, age_in_months(birth, today))
        if milestone is None:
            continue
        community = community_path(path)
        keys = [str(milestone.pk)] if cut == "milestone" else [k for k, ids in groups.items() if pk in ids]
        for key in keys:
            registered[(community, key)].append(pk)
            if (pk, milestone.pk) in delivered:
                reached[(community, key)].append(pk)
    jurisdiction = user.jurisdiction.path if user.jurisdiction else "-"
    areas = list(
        Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=jurisdiction).order_by("path")
    )
    table = CoverageTable(cut, columns, protected=policy.protected)

    def cell(whole: disclosure.Signature, part: disclosure.Signature) -> Cell:
        shown_whole, shown_part = disclosure.persons(whole, policy), disclosure.persons(part, policy)
        return Cell(shown_whole, shown_part, disclosure.share(shown_part, shown_whole))

    sums: dict[str, list[disclosure.Signature]] = {
        key: [disclosure.Signature(), disclosure.Signature()] for key, _ in columns
    }
    for area in areas:
        cells = []
        for key, _label in columns:
            whole = disclosure.Signature.of(registered[(area.path, key)])
            part = disclosure.Signature.of(reached[(area.path, key)])
            sums[key][0] += whole
            sums[key][1] += part
            cells.append(cell(whole, part))
        table.rows.append((area, cells))
    table.total = [cell(*sums[key]) for key, _label in columns]
    return table


def unreached(user: User, today: dt.date | None = None) -> QuerySet[Any]:
    """The entitlements still due in the user's area, the soonest to lapse first: whom the
    community child director visits. (The page that shows them records the read.)"""
    require(user, "reading.view_entitlement")
    return (
        scoped(Entitlement.objects.filter(status=Entitlement.Status.DUE), user)
        .select_related("child", "milestone", "child__residence_region")
        .order_by("child__birth_date", "milestone__age_from_months")
    )


@dataclass
class SurveyRow:
    question: str
    answer: str
    by_wave: list[int | None]  # families, through disclosure, one figure per wave


def survey_summary(user: User) -> tuple[list[tuple[str, str]], list[SurveyRow]]:
    """The parent surveys in the user's area, counted by answer and wave (families, through
    disclosure control): never one family's answers."""
    require(user, "reading.view_coverage")
    policy = disclosure.PROTECTED  # for every reader: the answers are only ever counts
    waves = list(ParentSurvey.Wave.choices)
    answers = list(
        scoped(ParentSurvey.objects.all(), user, "aggregate").values_list(
            "wave", "delivery__entitlement__child_id", "shared_reading", "books_at_home", "library_member"
        )
    )
    fields = {
        "shared_reading": gettext("reading together"),
        "books_at_home": gettext("children's books at home"),
        "library_member": gettext("has a library card"),
    }
    questions: list[tuple[str, int, list[tuple[Any, Any]]]] = [
        (fields["shared_reading"], 2, list(ParentSurvey.Frequency.choices)),
        (fields["books_at_home"], 3, list(ParentSurvey.Books.choices)),
        (fields["library_member"], 4, [(True, gettext("Yes")), (False, gettext("No"))]),
    ]
    rows = []
    for question, position, choices in questions:
        for value, label in choices:
            figures = []
            for wave, _label in waves:
                ids = [a[1] for a in answers if a[0] == wave and a[position] == value]
                figures.append(disclosure.persons(disclosure.Signature.of(ids), policy))
            rows.append(SurveyRow(question, str(label), figures))
    return [(w, str(label)) for w, label in waves], rows
