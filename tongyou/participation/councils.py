"""Children's councils: seats, terms, sessions and training (plan task (一)3 (2)).

A child is appointed after the guardian's consent is on record, within the council's age limit,
with a letter number of the council's own series; members roll off by themselves when their term
ends or they pass the age limit (a daily job), or when consent is withdrawn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import can, jurisdiction_path, require, scoped
from tongyou.core.workflow import lock

from .codes import _check_display_name, current_consent
from .models import Council, CouncilMember, CouncilSession, Training

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.datahub.models import Child
    from tongyou.regions.models import Region

MIN_AGE = 6


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def create_council(
    user: User,
    *,
    name: str,
    region: Region,
    founded_on: dt.date,
    term_years: int = 3,
    age_limit: int = 15,
    is_synthetic: bool = False,
) -> Council:
    require(user, "participation.manage_process", Council(region=region))
    if not name.strip():
        raise Refusal(_("Name the council."))
    if not 1 <= term_years <= 6 or not MIN_AGE < age_limit <= 17:
        raise Refusal(_("A term lasts one to six years, and the age limit lies between 7 and 17."))
    council = Council.objects.create(
        name=name.strip(),
        region=region,
        founded_on=founded_on,
        term_years=term_years,
        age_limit=age_limit,
        is_synthetic=is_synthetic,
    )
    record(AuditEntry.Action.CREATE, user=user, obj=council)
    return council


def may_seat(user: User, council: Council) -> bool:
    """Whether `user` may appoint members: their jurisdiction lies inside the council's area."""
    path = jurisdiction_path(user)
    return (
        path is not None
        and path.startswith(council.region.path)
        and can(user, "participation.add_participant")
    )


def councils_for(user: User) -> QuerySet[Council]:
    """The councils a user opens: those of their area (scoped), and those above it they appoint
    their own children to."""
    mine = scoped(Council.objects.all(), user)
    path = jurisdiction_path(user)
    if path is None or not can(user, "participation.add_participant"):
        return mine.select_related("region")
    codes = path.strip("/").split("/")
    above = ["/" + "/".join(codes[:n]) + "/" for n in range(1, len(codes))]
    return (mine | Council.objects.filter(region__path__in=above)).distinct().select_related("region")


def _term_end(start: dt.date, years: int) -> dt.date:
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return end - dt.timedelta(days=1)


def appoint(
    user: User,
    council: Council,
    child: Child,
    *,
    chosen_by: str,
    display_name: str,
    grade: str = "",
    role: str = CouncilMember.Role.MEMBER,
    term_start: dt.date | None = None,
) -> CouncilMember:
    """Give a child a seat, with the guardian's consent. Whoever seats the child reads the index
    where the child lives (a community's child director, a street officer), and works inside the
    council's area: a community nominates its children to the street's or the district's council."""
    require(user, "participation.add_participant", child)
    if not may_seat(user, council):
        raise Refusal(_("Members are appointed by the staff of the council's area."))
    start = term_start or timezone.localdate()
    if chosen_by not in CouncilMember.ChosenBy.values or role not in CouncilMember.Role.values:
        raise Refusal(_("Say how the child was chosen and the role."))
    age = _age(child.birth_date, start)
    if not MIN_AGE <= age <= council.age_limit:
        raise Refusal(
            _("Council members are %(lo)d to %(hi)d years old; this child is %(age)d.")
            % {"lo": MIN_AGE, "hi": council.age_limit, "age": age}
        )
    consent = current_consent(child)
    if consent is None or not consent.takes_part:
        raise Refusal(_("A parent or guardian has not given written consent for taking part."))
    shown = _check_display_name(display_name, child)
    with transaction.atomic():
        lock(council)
        seats = council.members.count()
        number = f"YQ-ETYSH-{council.pk}-{start.year}-{seats + 1:03d}"
        try:
            with transaction.atomic():
                member = CouncilMember.objects.create(
                    council=council,
                    child=child,
                    display_name=shown,
                    grade=grade.strip()[:10],
                    chosen_by=chosen_by,
                    role=role,
                    term_start=start,
                    term_end=_term_end(start, council.term_years),
                    letter_number=number,
                    appointed_by=user,
                )
        except IntegrityError as exc:
            if council.members.filter(child=child, left_on__isnull=True).exists():
                raise Refusal(_("This child already has a seat on the council.")) from exc
            raise Refusal(
                _("The council already has a chair; end that seat or choose another role.")
            ) from exc
        record(
            AuditEntry.Action.CREATE, user=user, obj=member, details={"role": role, "chosen_by": chosen_by}
        )
    return member


def end_seat(
    member: CouncilMember, user: User | None, reason: str, on: dt.date | None = None
) -> CouncilMember:
    """A member leaves the council (the daily job passes no user)."""
    if user is not None:
        require(user, "participation.manage_process", member.council)
    if reason not in CouncilMember.Left.values:
        raise Refusal(_("Say why the member leaves."))
    with transaction.atomic():
        lock(member)
        if member.left_on is None:
            member.left_on = on or timezone.localdate()
            member.left_because = reason
            member.save(update_fields=["left_on", "left_because"])
            record(AuditEntry.Action.UPDATE, user=user, obj=member, details={"left_because": reason})
    return member


def roll_off(today: dt.date | None = None) -> int:
    """Seats whose term has ended, whose member is past the age limit, or whose guardian
    withdrew consent end today. Returns how many."""
    today = today or timezone.localdate()
    ended = 0
    sitting = CouncilMember.objects.filter(left_on__isnull=True).select_related("council", "child")
    for member in sitting:
        if member.term_end < today:
            reason = CouncilMember.Left.TERM
        elif _age(member.child.birth_date, today) > member.council.age_limit:
            reason = CouncilMember.Left.AGE
        elif not ((consent := current_consent(member.child)) and consent.takes_part):
            reason = CouncilMember.Left.CONSENT
        else:
            continue
        end_seat(member, None, reason, today)
        ended += 1
    return ended


def record_session(
    user: User,
    council: Council,
    *,
    held_on: dt.date,
    agenda: str,
    minutes: str = "",
    place: str = "",
    attendees: Iterable[CouncilMember] = (),
) -> CouncilSession:
    require(user, "participation.manage_process", council)
    if held_on > timezone.localdate():
        raise Refusal(_("A session is recorded after it is held."))
    if not agenda.strip():
        raise Refusal(_("Write the agenda."))
    present = list(attendees)
    if any(m.council_id != council.pk or (m.left_on and m.left_on < held_on) for m in present):
        raise Refusal(_("Only members of this council on the day can be recorded as present."))
    with transaction.atomic():
        session = CouncilSession.objects.create(
            council=council,
            held_on=held_on,
            agenda=agenda.strip(),
            minutes=minutes.strip(),
            place=place.strip()[:100],
            recorded_by=user,
        )
        session.attendees.set(present)
        record(AuditEntry.Action.CREATE, user=user, obj=session, details={"present": len(present)})
    return session


def record_training(
    user: User,
    region: Region,
    *,
    title: str,
    held_on: dt.date,
    hours: Decimal,
    provider: str = "",
    attendees: Iterable[CouncilMember] = (),
) -> Training:
    require(user, "participation.manage_process", Training(region=region))
    if not title.strip() or hours <= 0:
        raise Refusal(_("Give the training's title and its length in hours."))
    with transaction.atomic():
        training = Training.objects.create(
            title=title.strip(),
            region=region,
            held_on=held_on,
            hours=hours,
            provider=provider.strip(),
            recorded_by=user,
        )
        training.attendees.set(list(attendees))
        record(AuditEntry.Action.CREATE, user=user, obj=training)
    return training
