"""Graded intervention cases: opened by the police, the procuratorate or a school; measures by the
school, the family, the police and the procuratorate; referrals; reviews on a schedule; closure,
which seals the case. Every change locks the case (`core.workflow`): a review or a measure posted
while someone else closes the case is refused, and a case is closed once."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.notifications import notify, staff_covering
from tongyou.core.scoping import can, jurisdiction_path, require
from tongyou.core.workflow import Flow, Step, lock
from tongyou.datahub.models import ID_INDEX_PURPOSE, Child, Enrolment
from tongyou.datahub.services.filters import years_before
from tongyou.datahub.services.search import ID_LIKE
from tongyou.privacy.blind_index import blind_index

from .models import BEHAVIOURS, MEASURES, Actor, Case, Grade, Measure, Referral, Review, SealedQuery

if TYPE_CHECKING:
    from tongyou.accounts.models import Unit, User

PROCURATORATE = "jcy"
NOTE_MAX = 2000
# Days between reviews, by grade (INTERVENTION_REVIEW_DAYS): no national schedule is set; a
# serious case is looked at monthly, a case of misbehaviour each term.
DEFAULT_REVIEW_DAYS = {Grade.MINOR: 90, Grade.SERIOUS: 30}
REMIND_AHEAD_DAYS = 7

CLOSE_FLOW = Flow(
    state_field="status",
    permission="intervention.close_case",
    steps={"close": Step((Case.Status.OPEN,), Case.Status.CLOSED)},
)


def review_days(grade: str) -> int:
    days = getattr(settings, "INTERVENTION_REVIEW_DAYS", DEFAULT_REVIEW_DAYS)
    return int(days.get(grade, DEFAULT_REVIEW_DAYS[Grade.MINOR]))


def actor_of(user: User) -> str | None:
    """Which of the law's actors the user acts for (None: none)."""
    role = getattr(user, "role", None)
    unit = getattr(user, "unit", None)
    if role == Role.POLICE:
        return Actor.POLICE
    if role == Role.UNIT_OFFICER and unit is not None:
        if unit.code == PROCURATORATE:
            return Actor.PROCURATORATE
        if unit.kind == "school":
            return Actor.SCHOOL
    return None


def cases_for(user: User) -> QuerySet[Case]:
    """The open and closed cases the user may read: never a sealed one."""
    path = jurisdiction_path(user)
    if path is None or not can(user, "intervention.view_case"):
        return Case.objects.none()
    cases = Case.objects.filter(sealed=False).select_related("child", "child__residence_region", "school")
    if actor_of(user) == Actor.SCHOOL:
        return cases.filter(school_id=user.unit_id)
    if actor_of(user) in (Actor.POLICE, Actor.PROCURATORATE):
        return cases.filter(child__residence_region__path__startswith=path)
    return Case.objects.none()


def school_names(school: Unit) -> list[str]:
    return [school.name, *[str(a) for a in (school.aliases or [])]]


def is_pupil(child: Child, school: Unit, on: dt.date) -> bool:
    """Whether the child is enrolled at the school on `on` (by the enrolment's institution name)."""
    return (
        Enrolment.objects.filter(child=child, institution__in=school_names(school), valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .exists()
    )


def find_child(user: User, id_number: str) -> Child | None:
    """The child with this full ID number whom the user may open a case for: in the police's or
    procuratorate's jurisdiction, or a school's own pupil. Exact numbers only."""
    number = (id_number or "").strip().upper()
    path = jurisdiction_path(user)
    if not ID_LIKE.match(number) or path is None or not can(user, "intervention.add_case"):
        return None
    children = Child.objects.filter(id_number_index=blind_index(number, ID_INDEX_PURPOSE))
    actor = actor_of(user)
    if actor == Actor.SCHOOL and user.unit is not None:
        child = children.first()
        return child if child is not None and is_pupil(child, user.unit, timezone.localdate()) else None
    if actor in (Actor.POLICE, Actor.PROCURATORATE):
        return children.filter(residence_region__path__startswith=path).first()
    return None


def _check_behaviours(grade: str, behaviours: list[str]) -> list[str]:
    if grade not in Grade.values:
        raise Refusal(_("Choose the grade: misbehaviour or serious misbehaviour."))
    allowed = {code for code, _label in BEHAVIOURS[Grade(grade)]}
    chosen = [b for b in dict.fromkeys(behaviours) if b in allowed]
    if not chosen or len(chosen) != len(set(behaviours)):
        raise Refusal(_("Choose at least one behaviour, from the list of the grade chosen."))
    return chosen


def open_case(
    user: User,
    child: Child | None,
    grade: str,
    behaviours: list[str],
    summary: str = "",
    *,
    school: Unit | None = None,
    on: dt.date | None = None,
) -> Case:
    """Open a case. A school opens one for its own pupil (the case names the school); the police
    and the procuratorate for a child of their area, naming the child's school if they know it."""
    if child is None:
        raise Refusal(_("No child with this ID number that you may open a case for."))
    require(user, "intervention.add_case", child)
    on = on or timezone.localdate()
    chosen = _check_behaviours(grade, behaviours)
    if child.birth_date <= years_before(on, 18):
        raise Refusal(_("The person is 18 or older: these measures are for minors."))
    actor = actor_of(user)
    if actor == Actor.SCHOOL:
        school = user.unit
        if school is None or not is_pupil(child, school, on):
            raise Refusal(_("A school opens a case only for its own pupil."))
    elif school is not None and school.kind != "school":
        raise Refusal(_("Choose the child's school from the list."))
    with transaction.atomic():
        case = Case.objects.create(
            child=child,
            school=school,
            grade=grade,
            behaviours=chosen,
            summary=summary.strip()[:NOTE_MAX],
            opened_by=user,
            opened_on=on,
            next_review=on + dt.timedelta(days=review_days(grade)),
        )
        record(AuditEntry.Action.CREATE, user=user, obj=case, details={"grade": grade})
    return case


def _open_and_locked(case: Case, user: User, permission: str) -> None:
    require(user, permission, case)
    lock(case)
    if case.status != Case.Status.OPEN:
        raise Refusal(_("This case is closed and sealed; nothing more is recorded on it."))


def _day(on: dt.date | None, case: Case) -> dt.date:
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise Refusal(_("The date cannot be in the future."))
    if on < case.child.birth_date:
        raise Refusal(_("The date cannot be before the child's birth."))
    return on


def actors_for(user: User) -> list[str]:
    """Whose measures the user records: their own body's, and the family's as they learn of it."""
    actor = actor_of(user)
    return [actor, Actor.FAMILY] if actor else []


@transaction.atomic
def add_measure(
    user: User, case: Case, actor: str, kind: str, note: str = "", on: dt.date | None = None
) -> Measure:
    _open_and_locked(case, user, "intervention.add_measure")
    if actor not in actors_for(user):
        raise Refusal(_("You record your own body's measures and the family's."))
    if kind not in {code for code, _label in MEASURES[Actor(actor)]}:
        raise Refusal(_("Choose a measure from the list."))
    measure = Measure.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        taken_on=_day(on, case),
        note=note.strip()[:NOTE_MAX],
        recorded_by=user,
    )
    record(AuditEntry.Action.CREATE, user=user, obj=measure, details={"actor": actor, "kind": kind})
    return measure


@transaction.atomic
def refer(user: User, case: Case, to: str, on: dt.date | None = None) -> Referral:
    _open_and_locked(case, user, "intervention.add_referral")
    if to not in Referral.To.values:
        raise Refusal(_("Choose where the child is referred."))
    if to == Referral.To.SPECIAL_EDUCATION and case.grade != Grade.SERIOUS:
        raise Refusal(_("Special education is assessed only for serious misbehaviour (art. 44)."))
    if (
        case.referrals.filter(to=to)
        .exclude(outcome__in=[Referral.Outcome.COMPLETED, Referral.Outcome.DECLINED])
        .exists()
    ):
        raise Refusal(_("The child is already referred there; update that referral."))
    day = _day(on, case)
    referral = Referral.objects.create(case=case, to=to, referred_on=day, updated_on=day, recorded_by=user)
    record(AuditEntry.Action.CREATE, user=user, obj=referral, details={"to": to})
    return referral


@transaction.atomic
def update_referral(user: User, referral: Referral, outcome: str) -> Referral:
    case = referral.case
    _open_and_locked(case, user, "intervention.add_referral")
    if outcome not in Referral.Outcome.values:
        raise Refusal(_("Choose the referral's outcome."))
    referral.outcome, referral.updated_on = outcome, timezone.localdate()
    referral.save(update_fields=["outcome", "updated_on"])
    record(AuditEntry.Action.UPDATE, user=user, obj=referral, details={"outcome": outcome})
    return referral


@transaction.atomic
def review(
    user: User,
    case: Case,
    finding: str,
    grade_after: str | None = None,
    note: str = "",
    on: dt.date | None = None,
) -> Review:
    """A scheduled review: what was found, the grade from now on (a school may not raise a case to
    serious: it tells the police), and the next review's date from the grade's schedule."""
    _open_and_locked(case, user, "intervention.add_review")
    if finding not in Review.Finding.values:
        raise Refusal(_("Choose what the review found."))
    grade_after = grade_after or case.grade
    if grade_after not in Grade.values:
        raise Refusal(_("Choose the grade: misbehaviour or serious misbehaviour."))
    if grade_after != case.grade and actor_of(user) == Actor.SCHOOL:
        raise Refusal(
            _("A school does not change a case's grade: report serious misbehaviour to the police.")
        )
    day = _day(on, case)
    entry = Review.objects.create(
        case=case,
        reviewed_on=day,
        finding=finding,
        grade_before=case.grade,
        grade_after=grade_after,
        note=note.strip()[:NOTE_MAX],
        next_review=day + dt.timedelta(days=review_days(grade_after)),
        reviewer=user,
    )
    case.grade, case.next_review = grade_after, entry.next_review
    case.save(update_fields=["grade", "next_review"])
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=case,
        details={"action": "review", "finding": finding, "grade": grade_after},
    )
    return entry


@transaction.atomic
def close(
    user: User, case: Case, closure: str, *, seen: str | None = None, on: dt.date | None = None
) -> Case:
    """Close the case, which seals it: from now on no list shows it and no unit sees it."""
    step = CLOSE_FLOW.start(case, "close", user, seen=seen)
    if closure not in Case.Closure.values:
        raise Refusal(_("Choose why the case is closed."))
    CLOSE_FLOW.finish(case, step, "close", user, closed_on=_day(on, case), closure=closure, sealed=True)
    return case


def query_sealed(user: User, id_number: str, basis: str) -> list[Case]:
    """A lawful query of sealed cases (art. 59): the child's sealed cases in the user's area, each
    query recorded with its basis. A query without a basis is refused."""
    require(user, "intervention.query_sealed")
    basis = basis.strip()
    if len(basis) < 6:
        raise Refusal(_("State the legal basis of the query: the case you handle and its number."))
    number = (id_number or "").strip().upper()
    path = jurisdiction_path(user)
    if not ID_LIKE.match(number) or path is None:
        return []
    found = list(
        Case.objects.filter(
            sealed=True,
            child__id_number_index=blind_index(number, ID_INDEX_PURPOSE),
            child__residence_region__path__startswith=path,
        ).select_related("child")
    )
    with transaction.atomic():
        for case in found:
            SealedQuery.objects.create(case=case, user=user, basis=basis[:300])
        record(
            AuditEntry.Action.REVEAL,
            user=user,
            object_type="intervention.Case",
            details={"sealed_query": [c.pk for c in found]},
        )
    return found


def keepers(case: Case) -> list[Any]:
    """Who is told a review is due: the police covering the child's area, the procuratorate, and
    the school's staff for its pupil."""
    region = case.child.residence_region
    people = list(staff_covering(region, [Role.POLICE]))
    people += [
        u
        for u in staff_covering(region, [Role.UNIT_OFFICER]).select_related("unit")
        if u.unit is not None
        and (u.unit.code == PROCURATORATE or (case.school_id and u.unit_id == case.school_id))
    ]
    return people


def remind_reviews(today: dt.date | None = None) -> int:
    """Tell the keepers of each open case whose review falls due within a week (no names)."""
    today = today or timezone.localdate()
    due = Case.objects.filter(
        sealed=False, status=Case.Status.OPEN, next_review__lte=today + dt.timedelta(days=REMIND_AHEAD_DAYS)
    ).select_related("child__residence_region")
    sent = 0
    for case in due.iterator():
        sent += notify(
            keepers(case),
            f"intervention-review-{case.pk}-{case.next_review}",
            _("An intervention case's review is due on %(day)s.") % {"day": case.next_review.isoformat()},
            reverse("intervention:case", args=[case.pk]),
        )
    return sent


def run_reminders() -> int:
    return remind_reviews()
