"""The talent pool: counsellors and volunteers (encrypted, found by ID number), social
organisations by credit code, counsellors' appointment cycle, and background checks — the
safeguarding gate every assignment to children passes (activities.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.notifications import notify
from tongyou.core.scoping import require
from tongyou.core.workflow import lock
from tongyou.privacy.blind_index import blind_index
from tongyou.privacy.idnumbers import birth_date_of, validate_id_number
from tongyou.regions.models import Region

from .models import PERSON_ID_PURPOSE, Appointment, BackgroundCheck, Organisation, Person

if TYPE_CHECKING:
    from tongyou.accounts.models import User

CHECK_VALID_DAYS = 365  # re-checked every year (local rules), and at hiring
WARN_DAYS = 30  # the organiser hears this long before a check expires
YOUNGEST_VOLUNTEER = 14  # 14–17 only with a guardian's consent and tasks that fit (志愿服务条例)
Status = Person.Status

# The counsellor's cycle (《少先队辅导员管理办法》: pre-service training, then appointment);
# volunteers are active from registration.
COUNSELLOR_STEPS: dict[str, tuple[str, ...]] = {
    Status.CANDIDATE: (Status.TRAINED, Status.EXITED),
    Status.TRAINED: (Status.ACTIVE, Status.EXITED),
    Status.ACTIVE: (Status.SUSPENDED, Status.EXITED),
    Status.SUSPENDED: (Status.ACTIVE, Status.EXITED),
    Status.EXITED: (),
}
VOLUNTEER_STEPS: dict[str, tuple[str, ...]] = {
    Status.ACTIVE: (Status.SUSPENDED, Status.EXITED),
    Status.SUSPENDED: (Status.ACTIVE, Status.EXITED),
    Status.EXITED: (),
}


def register_organisation(
    user: User, *, name: str, credit_code: str, registered_with: str, region: Region, **fields: Any
) -> Organisation:
    code = (credit_code or "").strip().upper()
    if not uscc.is_valid(code):
        raise Refusal(
            _("The unified social credit code %(code)s is not valid (18 characters with a check character).")
            % {"code": code[:30]}
        )
    if not name.strip() or not registered_with.strip():
        raise Refusal(_("Give the organisation's name and the authority it is registered with."))
    organisation = Organisation(
        name=name.strip()[:100],
        credit_code=code,
        registered_with=registered_with.strip()[:100],
        region=region,
        **fields,
    )
    require(user, "community.manage_organisation", organisation)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        raise Refusal(_("An organisation with this credit code is registered already.")) from None
    record(AuditEntry.Action.CREATE, user=user, obj=organisation)
    return organisation


def register_person(
    user: User,
    *,
    kind: str,
    name: str,
    id_number: str,
    region: Region,
    today: dt.date | None = None,
    **fields: Any,
) -> Person:
    """A counsellor (a candidate until trained and appointed) or a volunteer (active). A volunteer
    under 18 needs the guardian's consent date; under 14 is refused."""
    today = today or timezone.localdate()
    if kind not in Person.Kind.values:
        raise Refusal(_("Choose counsellor or volunteer."))
    if not name.strip():
        raise Refusal(_("Give the person's name."))
    try:
        number = validate_id_number(id_number, today)
    except ValidationError as exc:
        raise Refusal(" ".join(exc.messages)) from None
    birth = birth_date_of(number)
    person = Person(
        kind=kind,
        name=name.strip()[:50],
        id_number=number,
        id_number_index=blind_index(number, PERSON_ID_PURPOSE),
        birth_date=birth,
        region=region,
        status=Status.CANDIDATE if kind == Person.Kind.COUNSELLOR else Status.ACTIVE,
        status_changed_on=today,
        **fields,
    )
    require(user, "community.manage_person", person)
    age = person.age_on(today)
    if kind == Person.Kind.VOLUNTEER and age < YOUNGEST_VOLUNTEER:
        raise Refusal(_("Volunteers must be at least 14 years old."))
    if kind == Person.Kind.VOLUNTEER and age < 18 and not person.guardian_consent_on:
        raise Refusal(_("A volunteer under 18 needs the guardian's consent: enter the date it was given."))
    if kind == Person.Kind.COUNSELLOR and age < 18:
        raise Refusal(_("Counsellors must be adults."))
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise Refusal(_("This person is in the pool already (the same ID number).")) from None
    record(AuditEntry.Action.CREATE, user=user, obj=person)
    return person


def record_check(
    user: User, person: Person, *, checked_on: dt.date, queried_by: str, result: str
) -> BackgroundCheck:
    """That a background check was made, and its outcome; a failed one suspends the person at once."""
    require(user, "community.add_backgroundcheck", person)
    if result not in BackgroundCheck.Result.values:
        raise Refusal(_("Choose the result of the check."))
    if checked_on > timezone.localdate():
        raise Refusal(_("The date of the check cannot be in the future."))
    if not queried_by.strip():
        raise Refusal(_("Name the unit that made the query (the public security organ or procuratorate)."))
    with transaction.atomic():
        check = BackgroundCheck.objects.create(
            person=person,
            checked_on=checked_on,
            queried_by=queried_by.strip()[:100],
            result=result,
            next_due=checked_on + dt.timedelta(days=CHECK_VALID_DAYS),
            recorded_by=user,
        )
        if result == BackgroundCheck.Result.FAILED and person.status != Status.EXITED:
            lock(person)
            person.status, person.status_reason = Status.SUSPENDED, _("Background check")
            person.status_changed_on = timezone.localdate()
            person.save(update_fields=["status", "status_reason", "status_changed_on"])
        record(AuditEntry.Action.CREATE, user=user, obj=check, details={"result": result})
    return check


def valid_check(person: Person, on: dt.date) -> BackgroundCheck | None:
    """The latest check, if it passed and is still valid on `on`."""
    latest = person.checks.filter(checked_on__lte=on).first()
    if latest is None or latest.result != BackgroundCheck.Result.PASSED or latest.next_due < on:
        return None
    return latest


def change_status(
    user: User, person: Person, to: str, *, reason: str = "", seen: str | None = None
) -> Person:
    """A step in the counsellor's cycle (candidate → trained → active → suspended → exited) or a
    volunteer's; exiting or suspending needs a reason; an active counsellor needs a training
    certificate and a current appointment."""
    require(user, "community.manage_person", person)
    with transaction.atomic():
        lock(person)
        if seen is not None and person.status != seen:
            raise Refusal(
                _("Someone changed this person's status to %(now)s meanwhile; reload the page.")
                % {"now": person.get_status_display()}
            )
        steps = COUNSELLOR_STEPS if person.kind == Person.Kind.COUNSELLOR else VOLUNTEER_STEPS
        if to not in steps.get(person.status, ()):
            raise Refusal(
                _("A person who is %(now)s cannot become %(to)s.")
                % {"now": person.get_status_display(), "to": Status(to).label if to in Status.values else to}
            )
        if to in (Status.SUSPENDED, Status.EXITED) and not reason.strip():
            raise Refusal(_("Give the reason."))
        if to == Status.ACTIVE and person.kind == Person.Kind.COUNSELLOR:
            if not person.training_certificate:
                raise Refusal(
                    _("A counsellor is appointed after pre-service training: enter the certificate number.")
                )
            today = timezone.localdate()
            if not person.appointments.filter(term_start__lte=today, term_end__gte=today).exists():
                raise Refusal(_("Record the letter of appointment (appointing body, number, term) first."))
        person.status, person.status_reason = to, reason.strip()[:200]
        person.status_changed_on = timezone.localdate()
        person.save(update_fields=["status", "status_reason", "status_changed_on"])
        record(AuditEntry.Action.UPDATE, user=user, obj=person, details={"status": to})
    return person


def train(user: User, person: Person, certificate: str) -> Person:
    """Pre-service training done: the certificate number, and the candidate is trained."""
    require(user, "community.manage_person", person)
    if not certificate.strip():
        raise Refusal(_("Enter the training certificate number."))
    Person.objects.filter(pk=person.pk).update(training_certificate=certificate.strip()[:40])
    person.training_certificate = certificate.strip()[:40]
    return change_status(user, person, Status.TRAINED, seen=Status.CANDIDATE)


def appoint(
    user: User,
    person: Person,
    *,
    appointed_by: str,
    letter_number: str,
    term_start: dt.date,
    term_end: dt.date,
    schools: str = "",
) -> Appointment:
    """A letter of appointment (or its renewal: the next term after the current one)."""
    require(user, "community.manage_person", person)
    if person.kind != Person.Kind.COUNSELLOR:
        raise Refusal(_("Only counsellors are appointed."))
    if not appointed_by.strip() or not letter_number.strip():
        raise Refusal(_("Give the appointing body and the letter number."))
    if term_start >= term_end:
        raise Refusal(_("The term must end after it starts."))
    previous = person.appointments.first()
    if previous is not None and term_start <= previous.term_start:
        raise Refusal(_("A renewal starts after the current term starts."))
    appointment = Appointment.objects.create(
        person=person,
        appointed_by=appointed_by.strip()[:100],
        letter_number=letter_number.strip()[:40],
        term_start=term_start,
        term_end=term_end,
        schools=schools.strip()[:200],
        renews=previous if previous is not None and not hasattr(previous, "renewal") else None,
    )
    record(AuditEntry.Action.CREATE, user=user, obj=appointment)
    return appointment


def notify_expiring_checks(today: dt.date | None = None) -> int:
    """Tell those who keep the pool, in time, about checks that expire within WARN_DAYS or have
    expired, for people still working (once per check)."""
    from tongyou.accounts.models import User
    from tongyou.accounts.roles import Role

    today = today or timezone.localdate()
    keepers = list(
        User.objects.filter(
            is_active=True,
            role__in=(Role.STREET_OFFICER, Role.CHILD_DIRECTOR, Role.COORDINATOR),
            jurisdiction__isnull=False,
        ).select_related("jurisdiction")
    )
    told = 0
    working = Person.objects.exclude(status=Status.EXITED).select_related("region")
    for person in working.prefetch_related("checks"):
        latest = person.checks.all()[:1]
        check = latest[0] if latest else None
        if check is None or check.next_due > today + dt.timedelta(days=WARN_DAYS):
            continue
        told_to = [
            u for u in keepers if u.jurisdiction and person.region.path.startswith(u.jurisdiction.path)
        ]
        message = _(
            "A background check (%(kind)s #%(pk)d) is due on %(due)s: renew it before work with children."
        ) % {
            "kind": person.get_kind_display(),
            "pk": person.pk,
            "due": check.next_due.isoformat(),
        }
        told += notify(told_to, f"community.check.{check.pk}", message)
    return told


def run_notify_expiring_checks() -> None:
    notify_expiring_checks()
