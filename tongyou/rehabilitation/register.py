"""The special register of disabled children (残疾儿童特别登记): kept from the master index's
current disability facts by a job, and from health's screening referrals (a child found at a
screening, before any certificate). The federation assesses what needs it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import can, jurisdiction_path, require
from tongyou.datahub.models import ID_INDEX_PURPOSE, Child, Disability
from tongyou.datahub.services.filters import holding, years_before
from tongyou.datahub.services.search import ID_LIKE
from tongyou.privacy.blind_index import blind_index

from .models import Category, Registration

if TYPE_CHECKING:
    from tongyou.accounts.models import User

# GB/T 26341 disability types (the master index's facts) to the scheme's kinds; mental and
# multiple disability are assessed by the federation (autism is classed under mental).
FROM_FACT = {
    "1": Category.VISUAL,
    "2": Category.HEARING,
    "3": Category.SPEECH,
    "4": Category.PHYSICAL,
    "5": Category.INTELLECTUAL,
    "6": Category.OTHER,
    "7": Category.OTHER,
}


def sync(today: dt.date | None = None) -> int:
    """Put every child under 18 with a current disability fact on the register, once per kind.
    Two runs at once register each child once (the unique constraint; conflicts ignored)."""
    today = today or timezone.localdate()
    facts = holding(Disability, today, child__birth_date__gt=years_before(today, 18)).values_list(
        "child_id", "disability_type", "valid_from"
    )
    wanted: dict[tuple[int, str], dt.date] = {}
    for child_id, kind, since in facts.iterator():
        wanted.setdefault((child_id, FROM_FACT.get(kind, Category.OTHER)), since)
    existing = set(Registration.objects.values_list("child_id", "category"))
    new = [
        Registration(
            child_id=child_id,
            category=category,
            source=Registration.Source.DISABILITY,
            registered_on=today,
        )
        for (child_id, category), _since in wanted.items()
        if (child_id, category) not in existing
    ]
    Registration.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def child_for_id_number(user: User, id_number: str) -> Child | None:
    """The child with this full ID number, if the user may refer children of the child's area."""
    number = (id_number or "").strip().upper()
    if not ID_LIKE.match(number):
        return None
    path = jurisdiction_path(user)
    if path is None or not can(user, "rehabilitation.refer_child"):
        return None
    return Child.objects.filter(
        residence_region__path__startswith=path, id_number_index=blind_index(number, ID_INDEX_PURPOSE)
    ).first()


def refer(
    user: User,
    child: Child | None,
    category: str,
    screened_on: dt.date | None,
    note: str = "",
) -> Registration:
    """A child found at a screening (新生儿/儿童残疾筛查) put on the special register by health."""
    if child is None:
        raise Refusal(_("No child with this ID number lives in your area."))
    require(user, "rehabilitation.refer_child", child)
    if category not in Category.values:
        raise Refusal(_("Choose the kind of disability."))
    if screened_on is None or screened_on > timezone.localdate():
        raise Refusal(_("Enter the screening date (not in the future)."))
    if screened_on < child.birth_date:
        raise Refusal(_("The screening date cannot be before the child's birth."))
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                child=child,
                category=category,
                source=Registration.Source.SCREENING,
                registered_on=timezone.localdate(),
                screened_on=screened_on,
                referred_by=user,
                note=note.strip()[:200],
            )
    except IntegrityError:
        raise Refusal(
            _("This child is already on the special register for this kind of disability.")
        ) from None
    record(AuditEntry.Action.CREATE, user=user, obj=registration, details={"category": category})
    return registration


@transaction.atomic
def assess(user: User, registration: Registration, category: str, needs_rehabilitation: bool) -> Registration:
    """The federation's assessment: the kind of disability, and whether rehabilitation is needed
    (the denominator of the coverage figure)."""
    require(user, "rehabilitation.assess_registration", registration)
    if category not in Category.values:
        raise Refusal(_("Choose the kind of disability."))
    Registration.objects.select_for_update().filter(pk=registration.pk).first()
    if (
        category != registration.category
        and Registration.objects.filter(child_id=registration.child_id, category=category).exists()
    ):
        raise Refusal(_("This child is already on the special register for this kind of disability."))
    before = (registration.category, registration.needs_rehabilitation)
    registration.category = category
    registration.needs_rehabilitation = needs_rehabilitation
    registration.save(update_fields=["category", "needs_rehabilitation"])
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=registration,
        details={"from": list(before), "to": [category, needs_rehabilitation]},
    )
    return registration


def run_sync() -> int:
    return sync()
