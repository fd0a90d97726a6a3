"""Regular family visits (常态化家庭走访服务机制) and the effect survey taken on them: the families
with children in the visitor's area not yet visited this year come first; a visit records its
purpose, the needs found, what follows and by when; the survey is one answer per family and year."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.community.models import Person
from tongyou.core.errors import Refusal
from tongyou.core.scoping import jurisdiction_path, require
from tongyou.core.workflow import lock
from tongyou.datahub.models import Child, Household
from tongyou.datahub.services.filters import years_before

from .models import NEEDS, SurveyResponse, Visit

if TYPE_CHECKING:
    from tongyou.accounts.models import User

TEXT_MAX = 1000
TOPICS = [code for code, _label in NEEDS if code not in ("guardianship", "hardship")]


def families_with_children(day: dt.date) -> QuerySet[Household]:
    """Households with a registered child under 18 on `day`."""
    young = Child.objects.filter(
        household=OuterRef("pk"), birth_date__gt=years_before(day, 18), birth_date__lte=day
    )
    return Household.objects.filter(Exists(young))


def to_visit(user: User, today: dt.date | None = None) -> QuerySet[Household]:
    """The families with children in the user's area not visited this year."""
    require(user, "guidance.view_visit")
    today = today or timezone.localdate()
    path = jurisdiction_path(user) or "-"
    visited = Visit.objects.filter(household=OuterRef("pk"), visited_on__year=today.year)
    return (
        families_with_children(today)
        .filter(region__path__startswith=path)
        .exclude(Exists(visited))
        .select_related("region")
        .order_by("region__path", "pk")
    )


def record_visit(
    user: User,
    household: Household,
    *,
    purpose: str,
    needs: list[str],
    findings: str = "",
    follow_up: str = "",
    follow_up_due: dt.date | None = None,
    volunteer: Person | None = None,
    on: dt.date | None = None,
) -> Visit:
    require(user, "guidance.add_visit", household)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise Refusal(_("The date cannot be in the future."))
    if purpose not in Visit.Purpose.values:
        raise Refusal(_("Choose the purpose of the visit."))
    known = {code for code, _label in NEEDS}
    if any(n not in known for n in needs):
        raise Refusal(_("Choose the needs found from the list."))
    if follow_up.strip() and (follow_up_due is None or follow_up_due < on):
        raise Refusal(_("Give the follow-up a date, on or after the visit."))
    if volunteer is not None and volunteer.status != Person.Status.ACTIVE:
        raise Refusal(_("Only an active volunteer or counsellor goes on visits."))
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                household=household,
                visited_on=on,
                visitor=user,
                with_volunteer=volunteer,
                purpose=purpose,
                needs=list(dict.fromkeys(needs)),
                findings=findings.strip()[:TEXT_MAX],
                follow_up=follow_up.strip()[:TEXT_MAX],
                follow_up_due=follow_up_due if follow_up.strip() else None,
            )
            record(AuditEntry.Action.CREATE, user=user, obj=visit, details={"purpose": purpose})
    except IntegrityError:
        raise Refusal(_("You already recorded a visit to this family on that day.")) from None
    return visit


@transaction.atomic
def follow_up_done(user: User, visit: Visit, on: dt.date | None = None) -> Visit:
    require(user, "guidance.add_visit", visit.household)
    lock(visit)
    if not visit.follow_up:
        raise Refusal(_("This visit has no follow-up."))
    if visit.follow_up_done_on is not None:
        raise Refusal(
            _("The follow-up was already done on %(day)s.") % {"day": visit.follow_up_done_on.isoformat()}
        )
    visit.follow_up_done_on = on or timezone.localdate()
    visit.save(update_fields=["follow_up_done_on"])
    record(AuditEntry.Action.UPDATE, user=user, obj=visit, details={"follow_up": "done"})
    return visit


def answer_survey(user: User, household: Household, helpful: str, confidence: str, wants: list[str]) -> Any:
    """The family's answers to this year's effect survey: once a year (a second is refused)."""
    require(user, "guidance.add_visit", household)
    if helpful not in SurveyResponse.Helpful.values or confidence not in SurveyResponse.Confidence.values:
        raise Refusal(_("Answer both questions of the survey."))
    if any(w not in TOPICS for w in wants):
        raise Refusal(_("Choose the topics from the list."))
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                household=household,
                year=year,
                helpful=helpful,
                confidence=confidence,
                wants=list(dict.fromkeys(wants)),
                recorded_by=user,
            )
    except IntegrityError:
        raise Refusal(_("This family already answered this year's survey.")) from None
    record(AuditEntry.Action.CREATE, user=user, object_type="guidance.SurveyResponse", details={"year": year})
    return response
