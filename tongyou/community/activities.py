"""Activities with children, shared by the talent pool, 萌阅's reading sessions and council
training: who works there (the safeguarding gate), which children come (places held under a
lock), and volunteers' hours confirmed before they count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.core.workflow import lock
from tongyou.datahub.models import Child
from tongyou.regions.models import Region

from .models import Activity, Assignment, Person, ServiceHours, SignUp
from .people import valid_check

if TYPE_CHECKING:
    from tongyou.accounts.models import User

STAR_HOURS = (100, 300, 600, 1000, 1500)  # a provincial star scheme: one to five stars
MAX_HOURS = Decimal("24")


def create_activity(
    user: User,
    *,
    title: str,
    kind: str,
    region: Region,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    age_min: int = 0,
    age_max: int = 17,
    suits_minors: bool = False,
) -> Activity:
    if kind not in Activity.Kind.values:
        raise Refusal(_("Choose the kind of activity."))
    if not title.strip() or not place.strip():
        raise Refusal(_("Give the activity a title and a place."))
    if starts_at >= ends_at:
        raise Refusal(_("The activity must end after it starts."))
    if not 0 < capacity <= 10_000:
        raise Refusal(_("The places for children must be between 1 and 10,000."))
    if not 0 <= age_min <= age_max <= 17:
        raise Refusal(_("The ages must run from a younger to an older age within 0–17."))
    activity = Activity(
        title=title.strip()[:100],
        kind=kind,
        region=region,
        place=place.strip()[:100],
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        age_min=age_min,
        age_max=age_max,
        suits_minors=suits_minors,
        created_by=user,
    )
    require(user, "community.manage_activity", activity)
    activity.save()
    record(AuditEntry.Action.CREATE, user=user, obj=activity)
    return activity


def assign(user: User, activity: Activity, person: Person, task: str = "") -> Assignment:
    """A person to work at the activity: only an active one, with a background check that passed
    and is valid on the activity's day; a volunteer under 18 only where the activity suits minors."""
    require(user, "community.manage_activity", activity)
    require(user, "community.view_person", person)
    day = timezone.localtime(activity.starts_at).date()
    if person.status != Person.Status.ACTIVE:
        raise Refusal(
            _("This person is %(status)s and cannot be assigned to work with children.")
            % {"status": person.get_status_display()}
        )
    if valid_check(person, day) is None:
        raise Refusal(
            _(
                "This person has no valid background check for %(day)s (a check that found no record, "
                "made within the last year). Record one before assigning them to work with children."
            )
            % {"day": day.isoformat()}
        )
    if person.kind == Person.Kind.VOLUNTEER and person.age_on(day) < 18:
        if not person.guardian_consent_on:
            raise Refusal(_("A volunteer under 18 needs the guardian's consent."))
        if not activity.suits_minors:
            raise Refusal(_("This activity is not marked as suitable for volunteers under 18."))
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                activity=activity, person=person, task=task.strip()[:100], assigned_by=user
            )
    except IntegrityError:
        raise Refusal(_("This person is assigned to the activity already.")) from None
    record(AuditEntry.Action.CREATE, user=user, obj=assignment)
    return assignment


def sign_up(user: User, activity: Activity, child: Child, family_members: int = 0) -> SignUp:
    """A child signs up (with family members). The activity is locked while its places are
    counted: two sign-ups for the last place cannot both succeed."""
    require(user, "community.add_signup", child)
    require(user, "community.view_activity", activity)
    day = timezone.localtime(activity.starts_at).date()
    age = (
        day.year
        - child.birth_date.year
        - ((day.month, day.day) < (child.birth_date.month, child.birth_date.day))
    )
    if not activity.age_min <= age <= activity.age_max:
        raise Refusal(
            _("This activity is for children aged %(lo)d–%(hi)d.")
            % {"lo": activity.age_min, "hi": activity.age_max}
        )
    if not 0 <= family_members <= 10:
        raise Refusal(_("Family members coming must be between 0 and 10."))
    try:
        with transaction.atomic():
            lock(activity)
            if activity.signups.count() >= activity.capacity:
                raise Refusal(_("The activity is full."))
            signup = SignUp.objects.create(activity=activity, child=child, family_members=family_members)
    except IntegrityError:
        raise Refusal(_("This child is signed up already.")) from None
    record(AuditEntry.Action.CREATE, user=user, obj=signup)
    return signup


def mark_attendance(user: User, activity: Activity, attended: dict[int, bool]) -> int:
    """Who came, by sign-up id; returns how many were marked."""
    require(user, "community.manage_activity", activity)
    if timezone.localtime(activity.starts_at).date() > timezone.localdate():
        raise Refusal(_("Attendance is marked on or after the day of the activity."))
    marked = 0
    for signup in activity.signups.filter(pk__in=list(attended)):
        signup.attended = bool(attended[signup.pk])
        signup.save(update_fields=["attended"])
        marked += 1
    return marked


def record_hours(user: User, assignment: Assignment, hours: Any) -> ServiceHours:
    """The organiser records the hours served (they count once confirmed)."""
    activity = assignment.activity
    require(user, "community.manage_activity", activity)
    try:
        value = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise Refusal(_("Enter the hours as a number, such as 2.5.")) from None
    if not Decimal("0") < value <= MAX_HOURS:
        raise Refusal(_("The hours must be more than 0 and at most 24."))
    span = Decimal((activity.ends_at - activity.starts_at).total_seconds() / 3600).quantize(Decimal("0.1"))
    if value > span:
        raise Refusal(_("More hours than the activity lasted (%(span)s).") % {"span": span})
    try:
        with transaction.atomic():
            entry = ServiceHours.objects.create(
                assignment=assignment, activity=activity, hours=value, recorded_by=user
            )
    except IntegrityError:
        raise Refusal(_("Hours for this assignment are recorded already.")) from None
    return entry


def confirm_hours(user: User, entry: ServiceHours) -> ServiceHours:
    """The organiser confirms the hours (谁记录谁证明): then they count, once."""
    require(user, "community.confirm_hours", entry.activity)
    with transaction.atomic():
        lock(entry)
        if entry.confirmed_at is not None:
            raise Refusal(_("These hours are confirmed already."))
        entry.confirmed_by, entry.confirmed_at = user, timezone.now()
        entry.save(update_fields=["confirmed_by", "confirmed_at"])
        record(AuditEntry.Action.UPDATE, user=user, obj=entry, details={"confirmed": str(entry.hours)})
    return entry


def confirmed_hours(person: Person) -> Decimal:
    return confirmed_hours_by_person([person.pk]).get(person.pk, Decimal("0"))


def confirmed_hours_by_person(person_ids: Any, year: int | None = None) -> dict[int, Decimal]:
    """{person id: confirmed hours} (in `year`, if given), in one grouped query: the lists of the
    pool and the yearly assessment ask it for hundreds of people at once."""
    entries = ServiceHours.objects.filter(assignment__person__in=list(person_ids), confirmed_at__isnull=False)
    if year is not None:
        entries = entries.filter(activity__starts_at__year=year)
    totals = entries.values("assignment__person").annotate(total=Sum("hours"))
    return {row["assignment__person"]: row["total"] for row in totals}


def stars(hours: Decimal) -> int:
    return sum(1 for threshold in STAR_HOURS if hours >= threshold)
