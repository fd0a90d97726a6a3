"""Code Adam at a venue, sightings from the public, and the camera registry.

Code Adam (the US in-store protocol of the Code Adam Act of 2003 and the National Center for Missing
& Exploited Children's guidance): staff page the description to
every colleague on site, watch every exit, and call the police if the child is not found within
CODE_ADAM_MINUTES (10); here the escalation records a police case prefilled from the page, for
an officer to publish."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.geo import distance_km
from tongyou.core.notifications import notify, staff_covering
from tongyou.core.scoping import require

from ..models import Camera, CodeAdam, MissingChildCase, Sighting
from .publishing import new_reference

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.alerts.models import Venue


@transaction.atomic
def trigger(
    venue: Venue,
    user: User,
    description: str,
    child_name: Any = "",
    age: Any = None,
    sex: str = "",
    clothing: Any = "",
    now: datetime.datetime | None = None,
) -> Any:
    require(user, "alerts.trigger_codeadam", venue)
    if not description.strip():
        raise Refusal(_("Describe the child and their clothing."))
    if sex not in ("", *MissingChildCase.Sex.values):
        raise Refusal(_("Choose boy, girl or not known."))
    if age is not None and not 0 <= age <= 17:
        raise Refusal(_("A child's age is 0 to 17; leave it empty if not known."))
    now = now or timezone.now()
    page = CodeAdam.objects.create(
        venue=venue,
        triggered_by=user,
        description=description.strip(),
        child_name=child_name,
        age=age,
        sex=sex,
        clothing=clothing.strip(),
        started_at=now,
        exits_checked={},
    )
    notify(
        venue.staff.exclude(pk=user.pk),
        f"alerts.codeadam.{page.pk}",
        _("CODE ADAM at %(venue)s: %(description)s. Go to your exit.")
        % {"venue": venue.name, "description": page.description[:120]},
        reverse("alerts:code_adam", args=[page.pk]),
    )
    record(AuditEntry.Action.CREATE, user=user, obj=page)
    return page


@transaction.atomic
def check_exit(page: Any, user: User, exit_name: Any) -> Any:
    require(user, "alerts.trigger_codeadam", page.venue)
    if exit_name not in page.venue.exits:
        raise Refusal(_("%(exit)s is not an exit of this venue.") % {"exit": exit_name})
    page.exits_checked[exit_name] = {
        "by": user.get_full_name() or user.username,
        "at": timezone.now().isoformat(),
    }
    page.save(update_fields=["exits_checked"])
    return page


@transaction.atomic
def found(page: Any, user: User) -> Any:
    require(user, "alerts.trigger_codeadam", page.venue)
    if page.state != CodeAdam.State.SEARCHING:
        raise Refusal(_("This Code Adam has ended."))
    page.state, page.ended_at = CodeAdam.State.FOUND, timezone.now()
    page.save(update_fields=["state", "ended_at"])
    record(AuditEntry.Action.UPDATE, user=user, obj=page, details={"found": True})
    return page


def escalate_due(now: datetime.datetime | None = None) -> list:
    """Code Adams still searching after the clock: a police case, prefilled, for the venue's area."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.CODE_ADAM_MINUTES)
    escalated = []
    for page in CodeAdam.objects.filter(
        state=CodeAdam.State.SEARCHING, started_at__lte=cutoff
    ).select_related("venue__region", "triggered_by"):
        with transaction.atomic():
            venue = page.venue
            case = MissingChildCase.objects.create(
                reference=new_reference(now),
                # What the venue knew, as it knew it: nothing is filled in (the officer sees the
                # unknowns and corrects before publishing).
                child_name=page.child_name,
                sex=page.sex,
                age=page.age,
                description=page.description,
                clothing=page.clothing,
                last_seen_at=page.started_at,
                last_seen_place=venue.name,
                latitude=venue.latitude,
                longitude=venue.longitude,
                region=venue.region,
                state=MissingChildCase.State.AWAITING,
                reported_by=page.triggered_by,
            )
            page.state, page.case, page.ended_at = CodeAdam.State.ESCALATED, case, now
            page.save(update_fields=["state", "case", "ended_at"])
            notify(
                staff_covering(venue.region, [Role.POLICE]),
                f"alerts.codeadam.{page.pk}.escalated",
                _(
                    "Code Adam at %(venue)s: the child was not found in %(minutes)s minutes. "
                    "Case %(ref)s is ready to publish."
                )
                % {"venue": venue.name, "minutes": settings.CODE_ADAM_MINUTES, "ref": case.reference},
                reverse("alerts:case_detail", args=[case.pk]),
            )
        record(AuditEntry.Action.CREATE, obj=case, details={"from_code_adam": page.pk})
        escalated.append(case)
    return escalated


def receive_sighting(
    case: MissingChildCase,
    *,
    seen_at: datetime.datetime,
    latitude: float,
    longitude: float,
    description: str,
    place: str = "",
    contact: str = "",
    photo: Any = None,
    photo_type: str = "",
) -> Sighting:
    if not case.is_public:
        raise Refusal(_("This alert has ended; thank you."))
    sighting = Sighting.objects.create(
        case=case,
        seen_at=seen_at,
        latitude=latitude,
        longitude=longitude,
        place=place,
        description=description,
        contact=contact,
        photo=photo,
        photo_type=photo_type,
    )
    notify(
        staff_covering(case.region, [Role.POLICE]),
        f"alerts.sighting.{sighting.pk}",
        _("New sighting for %(ref)s at %(time)s.")
        % {"ref": case.reference, "time": f"{timezone.localtime(seen_at):%H:%M}"},
        reverse("alerts:case_detail", args=[case.pk]),
    )
    return sighting


def review_sighting(sighting: Sighting, user: User, credible: Any) -> Any:
    require(user, "alerts.publish_missingchildcase", sighting.case)
    sighting.credibility = Sighting.Credibility.CREDIBLE if credible else Sighting.Credibility.NOT_CREDIBLE
    sighting.reviewed_by = user
    sighting.save(update_fields=["credibility", "reviewed_by"])
    record(AuditEntry.Action.UPDATE, user=user, obj=sighting, details={"credible": credible})
    return sighting


def cameras_for(
    case: MissingChildCase, within_km: float = 3.0, now: datetime.datetime | None = None
) -> list[Any]:
    """[(camera, km)] within `within_km` of the last-seen place whose footage still covers the time
    the child was last seen (retention counted back from now), nearest first."""
    now = now or timezone.now()
    days_since = (now - case.last_seen_at).total_seconds() / 86400
    found = []
    for camera in Camera.objects.select_related("owner"):
        km = distance_km(case.latitude, case.longitude, camera.latitude, camera.longitude)
        if km <= within_km and camera.retention_days >= days_since:
            found.append((camera, round(km, 2)))
    return sorted(found, key=lambda pair: pair[1])
