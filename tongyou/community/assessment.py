"""The yearly assessment of each counsellor and volunteer (the plan's 评价): activities delivered,
hours confirmed, schools' ratings and children's anonymous feedback on their activities, and a
grade. No national standard sets the grades; ours, stated here and in the guide:

- 不合格 (unsatisfactory): no activity in the year, or a mean school rating or children's
  feedback below 2.5 of 5;
- 优秀 (excellent): at least 6 activities and 20 confirmed hours, school rating at least 4.5 and
  children's feedback at least 4 (both needed);
- 合格 (competent): at least 3 activities, and neither mean below 3.5;
- 基本合格 (basically competent): everything else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require, scoped

from .activities import confirmed_hours_by_person
from .models import Activity, ActivityFeedback, Person, SchoolRating

if TYPE_CHECKING:
    from tongyou.accounts.models import User

GRADES = {
    "excellent": gettext_lazy("Excellent (优秀)"),
    "competent": gettext_lazy("Competent (合格)"),
    "basic": gettext_lazy("Basically competent (基本合格)"),
    "unsatisfactory": gettext_lazy("Unsatisfactory (不合格)"),
}


def record_feedback(user: User, activity: Activity, counts: dict[int, int]) -> int:
    """How many children chose each face (1–5), replacing what was entered before. Returns the
    number of children counted."""
    require(user, "community.manage_activity", activity)
    if timezone.localtime(activity.starts_at).date() > timezone.localdate():
        raise Refusal(_("Children's feedback is entered on or after the day of the activity."))
    if set(counts) - {1, 2, 3, 4, 5} or any(not 0 <= n <= 10_000 for n in counts.values()):
        raise Refusal(_("Enter how many children chose each face, as whole numbers from 0."))
    with transaction.atomic():
        ActivityFeedback.objects.filter(activity=activity).delete()
        ActivityFeedback.objects.bulk_create(
            ActivityFeedback(activity=activity, face=face, count=n) for face, n in counts.items() if n
        )
    return sum(counts.values())


def rate(user: User, person: Person, *, year: int, school: str, score: int) -> SchoolRating:
    require(user, "community.manage_person", person)
    if not 1 <= score <= 5:
        raise Refusal(_("The score is from 1 to 5."))
    if not school.strip():
        raise Refusal(_("Name the school."))
    if not 2000 <= year <= timezone.localdate().year:
        raise Refusal(_("Choose a year up to this one."))
    try:
        with transaction.atomic():
            rating = SchoolRating.objects.create(
                person=person, year=year, school=school.strip()[:100], score=score, rated_by=user
            )
    except IntegrityError:
        raise Refusal(_("This school has rated this person for the year already.")) from None
    record(AuditEntry.Action.CREATE, user=user, obj=rating)
    return rating


@dataclass
class Assessment:
    person: Person
    activities: int
    hours: Decimal
    school_mean: float | None
    feedback_mean: float | None
    grade: str

    @property
    def grade_label(self) -> str:
        return str(GRADES[self.grade])


def grade(activities: int, hours: Decimal, school: float | None, feedback: float | None) -> str:
    if activities == 0 or (school is not None and school < 2.5) or (feedback is not None and feedback < 2.5):
        return "unsatisfactory"
    if (
        activities >= 6
        and hours >= 20
        and school is not None
        and school >= 4.5
        and feedback is not None
        and feedback >= 4
    ):
        return "excellent"
    if (
        activities >= 3
        and not (school is not None and school < 3.5)
        and not (feedback is not None and feedback < 3.5)
    ):
        return "competent"
    return "basic"


def assess(user: User, year: int, today: dt.date | None = None) -> list[Assessment]:
    """Every counsellor and volunteer in the user's area who was not exited before the year."""
    require(user, "community.view_person")
    today = today or timezone.localdate()
    people = scoped(
        Person.objects.exclude(status=Person.Status.EXITED, status_changed_on__lt=dt.date(year, 1, 1)), user
    )
    people = list(people.prefetch_related("assignments__activity__feedback", "ratings"))
    hours_of = confirmed_hours_by_person((p.pk for p in people), year)
    results = []
    for person in people:
        held = [
            a.activity
            for a in person.assignments.all()
            if a.activity.starts_at.year == year and a.activity.starts_at.date() <= today
        ]
        hours = hours_of.get(person.pk, Decimal("0"))
        scores = [r.score for r in person.ratings.all() if r.year == year]
        faces = [(f.face, f.count) for activity in held for f in activity.feedback.all()]
        children = sum(n for _face, n in faces)
        school = round(sum(scores) / len(scores), 2) if scores else None
        feedback = round(sum(face * n for face, n in faces) / children, 2) if children else None
        results.append(
            Assessment(person, len(held), hours, school, feedback, grade(len(held), hours, school, feedback))
        )
    return results
