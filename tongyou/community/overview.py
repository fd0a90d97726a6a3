"""Dynamic management of the pool (the plan's 评价和动态管理): who needs attention — no valid
background check or one expiring, a counsellor active without a current letter of appointment,
anyone active but idle for a year — and the pool's reach: active counsellors per 1,000 children
of Young Pioneer age (6–14) by street, which no indicator anchor computes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.core import disclosure
from tongyou.core.scoping import require, scoped
from tongyou.datahub.models import Child
from tongyou.datahub.services.filters import years_before
from tongyou.regions.models import Region

from .models import Person
from .people import WARN_DAYS, valid_check

if TYPE_CHECKING:
    from tongyou.accounts.models import User

IDLE_DAYS = 365


@dataclass
class Flag:
    person: Person
    reasons: list[str]


@dataclass
class StreetReach:
    street: Region
    counsellors: int
    children: int | None  # aged 6–14, through disclosure control
    per_thousand: float | None


def flags(user: User, today: dt.date | None = None) -> list[Flag]:
    require(user, "community.view_person")
    today = today or timezone.localdate()
    active = scoped(Person.objects.filter(status=Person.Status.ACTIVE), user).prefetch_related(
        "checks", "appointments", "assignments__activity"
    )
    found = []
    for person in active:
        reasons = []
        check = valid_check(person, today)
        if check is None:
            reasons.append(_("no valid background check"))
        elif check.next_due <= today + dt.timedelta(days=WARN_DAYS):
            reasons.append(_("background check due %(due)s") % {"due": check.next_due.isoformat()})
        if person.kind == Person.Kind.COUNSELLOR and not any(
            a.term_start <= today <= a.term_end for a in person.appointments.all()
        ):
            reasons.append(_("no current letter of appointment"))
        recent = [
            a
            for a in person.assignments.all()
            if a.activity.starts_at.date() >= today - dt.timedelta(days=IDLE_DAYS)
        ]
        if not recent:
            reasons.append(_("no activity in the last year"))
        if reasons:
            found.append(Flag(person, reasons))
    return found


def reach_by_street(user: User, today: dt.date | None = None) -> list[StreetReach]:
    require(user, "community.view_person")
    today = today or timezone.localdate()
    policy = disclosure.Policy.for_user(user)
    path = user.jurisdiction.path if user.jurisdiction else "-"
    streets = [
        s
        for s in Region.objects.filter(level=Region.Level.STREET).order_by("path")
        if s.path.startswith(path) or path.startswith(s.path)
    ]
    counsellors = list(
        scoped(
            Person.objects.filter(kind=Person.Kind.COUNSELLOR, status=Person.Status.ACTIVE), user
        ).values_list("region__path", flat=True)
    )
    children = scoped(Child.objects.all(), user, "aggregate").filter(
        birth_date__gt=years_before(today, 15), birth_date__lte=years_before(today, 6)
    )
    ids_by_street: dict[str, list[int]] = {}
    for pk, child_path in children.values_list("pk", "residence_region__path").iterator():
        ids_by_street.setdefault("/".join(child_path.split("/")[:3]) + "/", []).append(pk)
    rows = []
    for street in streets:
        count = sum(1 for p in counsellors if p.startswith(street.path))
        shown = disclosure.persons(disclosure.Signature.of(ids_by_street.get(street.path, [])), policy)
        rate = round(1000 * count / shown, 2) if shown else None
        rows.append(StreetReach(street, count, shown, rate))
    return rows


def by_school(user: User, today: dt.date | None = None) -> list[tuple[str, int]]:
    """Active counsellors per school named on their current letters of appointment (schools are
    written on the letter: split at 、，,;；), most first."""
    require(user, "community.view_person")
    today = today or timezone.localdate()
    counsellors = scoped(
        Person.objects.filter(kind=Person.Kind.COUNSELLOR, status=Person.Status.ACTIVE), user
    ).prefetch_related("appointments")
    tally: dict[str, set[int]] = {}
    for person in counsellors:
        for appointment in person.appointments.all():
            if appointment.term_start <= today <= appointment.term_end:
                for school in re.split(r"[、，,;；\s]+", appointment.schools):
                    if school:
                        tally.setdefault(school, set()).add(person.pk)
    return sorted(
        ((school, len(people)) for school, people in tally.items()), key=lambda row: (-row[1], row[0])
    )


@dataclass
class ActivityReach:
    area: Region
    activities: int  # things: shown exactly
    children: int | None  # children who attended: through disclosure


def activities_by_street(user: User, kind: str, year: int) -> list[ActivityReach]:
    """Activities of `kind` held in `year` in each street of the user's area (the last row: the
    whole area), and the children who attended them — counted once each, protected unless the
    reader reads records. What the readiness and family-education services report."""
    from .models import Activity, SignUp

    policy = disclosure.Policy.for_user(user)
    disclosure.check_question(policy, area="street", attributes=["activity"])
    path = user.jurisdiction.path if user.jurisdiction else "-"
    held = list(
        Activity.objects.filter(kind=kind, starts_at__year=year, region__path__startswith=path).values_list(
            "pk", "region__path"
        )
    )
    came: dict[int, set[int]] = {}
    for activity_id, child_id in SignUp.objects.filter(
        activity__in=[pk for pk, _path in held], attended=True
    ).values_list("activity_id", "child_id"):
        came.setdefault(activity_id, set()).add(child_id)

    def reach(area: Region) -> ActivityReach:
        mine = [pk for pk, where in held if where.startswith(area.path)]
        children = set().union(*(came.get(pk, set()) for pk in mine)) if mine else set()
        return ActivityReach(area, len(mine), disclosure.persons(disclosure.Signature.of(children), policy))

    rows = [
        reach(street)
        for street in Region.objects.filter(level=Region.Level.STREET, path__startswith=path).order_by("path")
    ]
    if user.jurisdiction is not None:
        rows.append(reach(user.jurisdiction))
    return rows
