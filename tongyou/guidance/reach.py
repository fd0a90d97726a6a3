"""Families reached by family-education guidance, by community: families with children (the
master index's households with a registered child) and those of them reached in the year — by a
visit, or by a child of the family attending a parent-school session — every figure through
core.disclosure; and the effect survey, counts of families only (protected for every reader)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext

from tongyou.community.models import Activity, SignUp
from tongyou.core import disclosure
from tongyou.core.scoping import jurisdiction_path, require
from tongyou.regions.models import Region
from tongyou.regions.tree import community_path

from .models import SurveyResponse, Visit
from .points import operating
from .visits import families_with_children

if TYPE_CHECKING:
    from tongyou.accounts.models import User


@dataclass
class ReachRow:
    area: Region
    has_point: bool
    families: int | None
    reached: int | None
    share: float | None


def reached_families(year: int) -> set[int]:
    visited = set(Visit.objects.filter(visited_on__year=year).values_list("household_id", flat=True))
    attended = set(
        SignUp.objects.filter(
            attended=True,
            activity__kind=Activity.Kind.PARENT_SCHOOL,
            activity__starts_at__year=year,
            child__household__isnull=False,
        ).values_list("child__household_id", flat=True)
    )
    return visited | attended


def reach(user: User, year: int | None = None) -> list[ReachRow]:
    require(user, "guidance.view_reach")
    year = year or timezone.localdate().year
    day = min(dt.date(year, 12, 31), timezone.localdate())
    policy = disclosure.Policy.for_user(user)
    disclosure.check_question(policy, area="community", attributes=["family"])
    path = jurisdiction_path(user) or "-"
    families: dict[str, set[int]] = {}
    for pk, region_path in (
        families_with_children(day).filter(region__path__startswith=path).values_list("pk", "region__path")
    ):
        community = community_path(region_path)
        families.setdefault(community, set()).add(pk)
    reached = reached_families(year)
    with_point = operating(day)
    rows = []
    everyone: set[int] = set()
    for area in Region.objects.filter(level=Region.Level.COMMUNITY, path__startswith=path).order_by("path"):
        ids = families.get(area.path, set())
        everyone |= ids
        rows.append(_row(area, area.pk in with_point, ids, reached, policy))
    if user.jurisdiction is not None and user.jurisdiction.level != Region.Level.COMMUNITY:
        rows.append(_row(user.jurisdiction, False, everyone, reached, policy))
    return rows


def _row(
    area: Region, has_point: bool, ids: set[int], reached: set[int], policy: disclosure.Policy
) -> ReachRow:
    whole = disclosure.persons(disclosure.Signature.of(ids), policy)
    part = disclosure.persons(disclosure.Signature.of(ids & reached), policy)
    return ReachRow(area, has_point, whole, part, disclosure.share(part, whole))


@dataclass
class SurveyRow:
    question: str
    answer: str
    families: int | None


def survey_summary(user: User, year: int | None = None) -> list[SurveyRow]:
    """The year's effect survey in the user's area, as counts of families (protected for every
    reader: the answers are only ever counts)."""
    require(user, "guidance.view_reach")
    year = year or timezone.localdate().year
    path = jurisdiction_path(user) or "-"
    answers = list(
        SurveyResponse.objects.filter(year=year, household__region__path__startswith=path).values_list(
            "household_id", "helpful", "confidence"
        )
    )
    rows = []
    for question, position, choices in (
        (gettext("how helpful the guidance was"), 1, SurveyResponse.Helpful.choices),
        (gettext("confidence in bringing up the children"), 2, SurveyResponse.Confidence.choices),
    ):
        for value, label in choices:
            ids = [a[0] for a in answers if a[position] == value]
            rows.append(
                SurveyRow(
                    question,
                    str(label),
                    disclosure.persons(disclosure.Signature.of(ids), disclosure.PROTECTED),
                )
            )
    return rows
