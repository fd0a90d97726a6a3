"""Packs into stock and into children's hands. Stock changes by one conditional UPDATE and a
pack is delivered once per entitlement (a one-to-one constraint, the entitlement locked): two
people handing over the last pack, or the same child's pack twice, cannot both succeed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.core.workflow import lock

from .models import (
    Attempt,
    Delivery,
    Departure,
    Entitlement,
    Loan,
    Milestone,
    ParentSurvey,
    PickupPoint,
    Stock,
    StockReceipt,
    Variant,
)

if TYPE_CHECKING:
    from tongyou.accounts.models import User

MAX_RECEIPT = 100_000  # packs in one delivery to a point: more is a typing slip


def receive(
    user: User,
    point: PickupPoint,
    milestone: Milestone,
    variant: str,
    quantity: int,
    received_on: dt.date | None = None,
    note: str = "",
) -> StockReceipt:
    """Packs arrived at a point: the receipt, and the stock raised by as many."""
    require(user, "reading.add_stockreceipt", point)
    received_on = received_on or timezone.localdate()
    if variant not in Variant.values:
        raise Refusal(_("Choose the kind of pack."))
    if not 0 < quantity <= MAX_RECEIPT:
        raise Refusal(_("The number of packs must be between 1 and %(most)d.") % {"most": MAX_RECEIPT})
    if received_on > timezone.localdate():
        raise Refusal(_("The date received cannot be in the future."))
    with transaction.atomic():
        receipt = StockReceipt.objects.create(
            point=point,
            milestone=milestone,
            variant=variant,
            quantity=quantity,
            received_on=received_on,
            recorded_by=user,
            note=note[:200],
        )
        stock, _created = Stock.objects.get_or_create(point=point, milestone=milestone, variant=variant)
        Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + quantity)
        record(AuditEntry.Action.CREATE, user=user, obj=receipt, details={"quantity": quantity})
    return receipt


def in_stock(point: PickupPoint, milestone: Milestone, variant: str) -> int:
    return (
        Stock.objects.filter(point=point, milestone=milestone, variant=variant)
        .values_list("quantity", flat=True)
        .first()
        or 0
    )


def deliver(
    user: User,
    entitlement: Entitlement,
    *,
    point: PickupPoint,
    channel: str,
    variant: str = Variant.STANDARD,
    given_on: dt.date | None = None,
    guardian_confirmed: bool,
) -> Delivery:
    """One pack handed over for one entitlement, from one point's stock, confirmed by the
    guardian. Refused in Chinese when it was delivered already, the point has none, or the
    guardian has not confirmed."""
    require(user, "reading.add_delivery", entitlement)
    require(user, "reading.view_pickuppoint", point)
    given_on = given_on or timezone.localdate()
    if not guardian_confirmed:
        raise Refusal(_("The guardian must confirm receiving the pack (a signature or a confirmation)."))
    if channel not in Delivery.Channel.values:
        raise Refusal(_("Choose how the pack was handed over."))
    if variant not in Variant.values:
        raise Refusal(_("Choose the kind of pack."))
    if given_on > timezone.localdate():
        raise Refusal(_("The date given cannot be in the future."))
    if given_on < entitlement.created_on:
        raise Refusal(_("The date given is before the child was entitled to this pack."))
    try:
        with transaction.atomic():
            lock(entitlement)
            if (
                entitlement.status == Entitlement.Status.DELIVERED
                or Delivery.objects.filter(entitlement=entitlement).exists()
            ):
                raise Refusal(_("This child's pack was already delivered."))
            taken = Stock.objects.filter(
                point=point, milestone_id=entitlement.milestone_id, variant=variant, quantity__gt=0
            ).update(quantity=F("quantity") - 1)
            if not taken:
                raise Refusal(
                    _("%(point)s has no %(variant)s of this milestone in stock; record packs received first.")
                    % {"point": point.name, "variant": Variant(variant).label}
                )
            delivery = Delivery.objects.create(
                entitlement=entitlement,
                point=point,
                variant=variant,
                channel=channel,
                given_on=given_on,
                given_by=user,
                guardian_confirmed=True,
            )
            entitlement.status = Entitlement.Status.DELIVERED
            entitlement.save(update_fields=["status"])
            record(AuditEntry.Action.CREATE, user=user, obj=delivery, details={"channel": channel})
    except IntegrityError:
        # The other person's delivery committed between our check and our insert.
        raise Refusal(_("This child's pack was already delivered.")) from None
    return delivery


def not_delivered(user: User, entitlement: Entitlement, reason: str, note: str = "") -> Attempt:
    """A pack that could not be handed over, and why (the entitlement stays due)."""
    require(user, "reading.add_attempt", entitlement)
    if reason not in Attempt.Reason.values:
        raise Refusal(_("Choose why the pack could not be delivered."))
    if reason == Attempt.Reason.OTHER and not note.strip():
        raise Refusal(_("Say in a few words why the pack could not be delivered."))
    attempt = Attempt.objects.create(
        entitlement=entitlement, reason=reason, note=note[:200], recorded_by=user
    )
    record(AuditEntry.Action.CREATE, user=user, obj=attempt, details={"reason": reason})
    return attempt


SURVEY_AFTER_DAYS = 90  # the second wave: three months after the pack
LOAN_DAYS = 14


def record_survey(
    user: User,
    delivery: Delivery,
    *,
    wave: str,
    shared_reading: str,
    books_at_home: str,
    library_member: bool,
) -> ParentSurvey:
    """The family's answers, once per wave; the second wave from three months after the pack."""
    require(user, "reading.add_delivery", delivery.entitlement)
    if wave not in ParentSurvey.Wave.values:
        raise Refusal(_("Choose when the survey was made."))
    if shared_reading not in ParentSurvey.Frequency.values or books_at_home not in ParentSurvey.Books.values:
        raise Refusal(_("Answer every question of the survey."))
    if wave == ParentSurvey.Wave.THREE_MONTHS and timezone.localdate() < delivery.given_on + dt.timedelta(
        days=SURVEY_AFTER_DAYS
    ):
        raise Refusal(_("The second survey is made three months after the pack was given."))
    try:
        with transaction.atomic():
            survey = ParentSurvey.objects.create(
                delivery=delivery,
                wave=wave,
                shared_reading=shared_reading,
                books_at_home=books_at_home,
                library_member=library_member,
                recorded_by=user,
            )
    except IntegrityError:
        raise Refusal(_("This survey was recorded already.")) from None
    return survey


def lend(user: User, point: PickupPoint, child: Any, copy: str, on: dt.date | None = None) -> Loan:
    """A pack copy lent to a child's family for two weeks; a copy still out cannot be lent again."""
    require(user, "reading.add_stockreceipt", point)
    if point.kind not in (PickupPoint.Kind.LIBRARY, PickupPoint.Kind.COMMUNITY):
        raise Refusal(_("Packs are lent from libraries and community points."))
    copy = copy.strip()[:40]
    if not copy:
        raise Refusal(_("Give the copy's number."))
    on = on or timezone.localdate()
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                point=point,
                copy=copy,
                child=child,
                loaned_on=on,
                due_on=on + dt.timedelta(days=LOAN_DAYS),
                recorded_by=user,
            )
    except IntegrityError:
        raise Refusal(_("This copy is out on loan; record its return first.")) from None
    record(AuditEntry.Action.CREATE, user=user, obj=loan)
    return loan


def give_back(user: User, loan: Loan, on: dt.date | None = None) -> Loan:
    require(user, "reading.add_stockreceipt", loan.point)
    on = on or timezone.localdate()
    with transaction.atomic():
        lock(loan)
        if loan.returned_on is not None:
            raise Refusal(_("This copy was returned already."))
        if on < loan.loaned_on:
            raise Refusal(_("A copy cannot come back before it was lent."))
        loan.returned_on = on
        loan.save(update_fields=["returned_on"])
    return loan


def left_district(user: User, child: Any, left_on: dt.date | None = None) -> Departure:
    """The child left the district: every pack still due (or lapsed) is closed, and none is due
    again until the child comes back."""
    require(user, "reading.view_entitlement", child)
    left_on = left_on or timezone.localdate()
    if left_on > timezone.localdate():
        raise Refusal(_("The date the child left cannot be in the future."))
    try:
        with transaction.atomic():
            departure = Departure.objects.create(child=child, left_on=left_on, recorded_by=user)
            closed = Entitlement.objects.filter(
                child=child, status__in=(Entitlement.Status.DUE, Entitlement.Status.LAPSED)
            ).update(status=Entitlement.Status.CLOSED)
            record(AuditEntry.Action.CREATE, user=user, obj=departure, details={"closed": closed})
    except IntegrityError:
        raise Refusal(_("This child is recorded as having left the district already.")) from None
    return departure


def came_back(user: User, departure: Departure, on: dt.date | None = None) -> Departure:
    """The child lives in the district again: the departure is closed (kept as history) and the
    closed packs are due again (lapsing by age as any other)."""
    require(user, "reading.view_entitlement", departure.child)
    on = on or timezone.localdate()
    with transaction.atomic():
        lock(departure)
        if departure.returned_on is not None:
            raise Refusal(_("This child's return is recorded already."))
        if on < departure.left_on:
            raise Refusal(_("A child cannot come back before leaving."))
        departure.returned_on = on
        departure.save(update_fields=["returned_on"])
        Entitlement.objects.filter(child=departure.child, status=Entitlement.Status.CLOSED).update(
            status=Entitlement.Status.DUE
        )
        record(AuditEntry.Action.UPDATE, user=user, obj=departure, details={"returned": True})
    return departure
