"""An assistance application from the guardian's request to the last settled month.

申请 (the guardian, through the community child director or the street) → 区残联 审核 within a
time limit in working days (REHAB_REVIEW_WORKING_DAYS; the scheme sets none nationally, see
docs/guides/rehabilitation.md) → assisted at a designated institution it chooses → each month's
service recorded as the institution bills it and settled against the district's standard → ended.
Every step runs through the kernel's Flow: a second person acting on a page that has moved on is
refused, naming who moved it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongyou.accounts.models import User
from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.notifications import notify, staff_covering
from tongyou.core.scoping import require
from tongyou.core.workdays import add_working_days
from tongyou.core.workflow import Flow, Step, latest_actor, lock
from tongyou.datahub.services.filters import years_before

from .models import (
    LIVE,
    AidKind,
    Application,
    ApplicationEvent,
    Category,
    Institution,
    Registration,
    ServiceMonth,
    Standard,
    Status,
)

if TYPE_CHECKING:
    from tongyou.datahub.models import Child

FEDERATION = "cl"  # 区残联: reviews, chooses the institution, settles
FILERS = (Role.CHILD_DIRECTOR, Role.STREET_OFFICER)
REVIEWERS = (Role.UNIT_OFFICER,)  # of the federation: rules.py checks the unit
MAX_BILL = Decimal("100000")  # a month's bill above this is a typing slip

STEPS = {
    "resubmit": Step((Status.RETURNED,), Status.SUBMITTED, FILERS),
    "withdraw": Step((Status.SUBMITTED, Status.RETURNED), Status.WITHDRAWN, FILERS, needs_reason=True),
    "approve": Step((Status.SUBMITTED,), Status.APPROVED, REVIEWERS),
    "return": Step((Status.SUBMITTED,), Status.RETURNED, REVIEWERS, needs_reason=True),
    "reject": Step((Status.SUBMITTED,), Status.REJECTED, REVIEWERS, needs_reason=True),
    "close": Step((Status.APPROVED,), Status.CLOSED, REVIEWERS, needs_reason=True),
}
LABELS = {
    "resubmit": gettext_lazy("Submit again"),
    "withdraw": gettext_lazy("Withdraw"),
    "approve": gettext_lazy("Approve and assign the institution"),
    "return": gettext_lazy("Return for more information"),
    "reject": gettext_lazy("Reject"),
    "close": gettext_lazy("End the assistance"),
}


def _history(application: Application, action: str, user: User, note: str, previous: Any, **_: Any) -> None:
    ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_status=previous or "",
        to_status=application.status,
        actor=user,
        note=note,
    )


FLOW = Flow(
    state_field="status",
    permission="rehabilitation.act_on_application",
    steps=STEPS,
    changed_by=lambda application: latest_actor(application.events),
    history=_history,
)


def review_days() -> int:
    return int(getattr(settings, "REHAB_REVIEW_WORKING_DAYS", 15))


def is_overdue(application: Application, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    due = application.step_due
    return application.status == Status.SUBMITTED and due is not None and today > due


def federation_staff(child: Child) -> list[User]:
    return [
        u
        for u in staff_covering(child.residence_region, [Role.UNIT_OFFICER]).select_related("unit")
        if u.unit is not None and u.unit.code == FEDERATION
    ]


def file(
    user: User,
    registration: Registration,
    aid_kind: str,
    guardian_name: str,
    guardian_phone: str = "",
    *,
    guardian_signed: bool,
    on: dt.date | None = None,
) -> Application:
    """The guardian's application, filed by the community or the street; due for review within
    the time limit. One live application per child and kind of aid."""
    require(user, "rehabilitation.add_application", registration)
    on = on or timezone.localdate()
    if aid_kind not in AidKind.values:
        raise Refusal(_("Choose the aid asked for."))
    if not guardian_name.strip():
        raise Refusal(_("Enter the name of the guardian who applies."))
    if not guardian_signed:
        raise Refusal(_("The guardian applies: confirm you hold the application the guardian signed."))
    if registration.category == Category.OTHER:
        raise Refusal(
            _("The disability federation must assess the kind of disability before an application.")
        )
    if not registration.needs_rehabilitation:
        raise Refusal(_("The disability federation assessed this child as not needing rehabilitation."))
    if registration.child.birth_date <= years_before(on, 18):
        raise Refusal(_("The child is 18 or older: the scheme assists children."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                registration=registration,
                child=registration.child,
                aid_kind=aid_kind,
                guardian_name=guardian_name.strip()[:50],
                guardian_phone=guardian_phone.strip()[:30],
                filed_by=user,
                filed_on=on,
                step_due=add_working_days(on, review_days()),
            )
            _history(application, "file", user, "", "")
            record(AuditEntry.Action.CREATE, user=user, obj=application, details={"aid": aid_kind})
    except IntegrityError:
        raise Refusal(_("This child already has a live application for this aid.")) from None
    transaction.on_commit(lambda: _tell_federation(application))
    return application


def _tell_federation(application: Application) -> None:
    notify(
        federation_staff(application.child),
        f"rehab-filed-{application.pk}-{application.step_due}",
        _("A rehabilitation assistance application awaits review (due %(day)s).")
        % {"day": application.step_due},
        reverse("rehabilitation:application", args=[application.pk]),
    )


def _check_institution(institution: Institution | None, application: Application, on: dt.date) -> Institution:
    if institution is None:
        raise Refusal(_("Choose the designated institution that will serve the child."))
    lock(institution)  # its places are counted and taken under one lock: two approvals, one place
    if institution.status != Institution.Status.DESIGNATED or institution.designated_until < on:
        raise Refusal(_("%(name)s is not a designated institution now.") % {"name": institution.name})
    if application.registration.category not in institution.categories:
        raise Refusal(
            _("%(name)s does not serve %(kind)s.")
            % {"name": institution.name, "kind": application.registration.get_category_display()}
        )
    if application.aid_kind not in institution.aid_kinds:
        raise Refusal(
            _("%(name)s does not give %(aid)s.")
            % {"name": institution.name, "aid": application.get_aid_kind_display()}
        )
    taken = institution.applications.filter(status=Status.APPROVED).count()
    if taken >= institution.capacity:
        raise Refusal(
            _("%(name)s has no place left (%(n)d children in service).")
            % {"name": institution.name, "n": taken}
        )
    return institution


@transaction.atomic
def transition(
    application: Application,
    action: str,
    user: User,
    reason: str = "",
    *,
    seen: str | None = None,
    institution: Institution | None = None,
    on: dt.date | None = None,
) -> Application:
    """Take `action` on the application, or refuse saying why; nothing is written on a refusal."""
    on = on or timezone.localdate()
    step = FLOW.start(application, action, user, reason=reason, seen=seen)
    fields: dict[str, Any] = {}
    if action == "approve":
        fields = {"institution": _check_institution(institution, application, on), "approved_on": on}
        fields["step_due"] = None
    elif action == "resubmit":
        fields = {"step_due": add_working_days(on, review_days())}
    elif action == "close":
        fields = {"closed_on": on}
    elif action in ("return", "reject", "withdraw"):
        fields = {"step_due": None}
    FLOW.finish(application, step, action, user, note=reason, **fields)
    if action in ("approve", "return", "reject", "close"):
        filer = application.filed_by
        transaction.on_commit(
            lambda: notify(
                [filer],
                f"rehab-{action}-{application.pk}-{on}",
                _("A rehabilitation assistance application you filed is now: %(state)s.")
                % {"state": application.get_status_display()},
                reverse("rehabilitation:application", args=[application.pk]),
            )
        )
    elif action == "resubmit":
        transaction.on_commit(lambda: _tell_federation(application))
    return application


def allowed(application: Application, user: User) -> list[tuple[str, str]]:
    return [(name, str(LABELS[name])) for name in FLOW.allowed(application, user)]


# ------------------------------------------------------------------ standards and months


def set_standard(user: User, year: int, aid_kind: str, amount: str) -> Standard:
    """The district's standard for a year and kind of aid (at most so much per child)."""
    require(user, "rehabilitation.change_standard")
    if aid_kind not in AidKind.values:
        raise Refusal(_("Choose the aid."))
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Refusal(_("Enter a year from 2000 to next year."))
    value = money(amount)
    standard, _created = Standard.objects.update_or_create(
        year=year, aid_kind=aid_kind, defaults={"annual_amount": value, "set_by": user}
    )
    record(AuditEntry.Action.UPDATE, user=user, obj=standard, details={"amount": str(value)})
    return standard


def money(text: Any) -> Decimal:
    try:
        value = Decimal(str(text).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise Refusal(_("Enter an amount in yuan, such as 1800 or 1800.50.")) from None
    if not value.is_finite() or value < 0 or value > MAX_BILL or value != value.quantize(Decimal("0.01")):
        raise Refusal(
            _("Enter an amount in yuan from 0 to %(most)s, to the fen.") % {"most": f"{MAX_BILL:,.0f}"}
        )
    return value.quantize(Decimal("0.01"))


def record_month(
    user: User, application: Application, month: dt.date, sessions: int, billed: str
) -> ServiceMonth:
    """A month's service as the institution bills it. Once per month: a second is refused."""
    require(user, "rehabilitation.settle_servicemonth", application)
    month = month.replace(day=1)
    amount = money(billed)
    if not 0 <= sessions <= 62:
        raise Refusal(_("Enter the sessions given in the month (0 to 62)."))
    with transaction.atomic():
        lock(application)
        if application.status not in (Status.APPROVED, Status.CLOSED) or application.approved_on is None:
            raise Refusal(_("Service is recorded only for an approved application."))
        if month < application.approved_on.replace(day=1):
            raise Refusal(
                _("The assistance started in %(month)s.") % {"month": f"{application.approved_on:%Y-%m}"}
            )
        if application.closed_on and month > application.closed_on.replace(day=1):
            raise Refusal(
                _("The assistance ended in %(month)s.") % {"month": f"{application.closed_on:%Y-%m}"}
            )
        if month > timezone.localdate().replace(day=1):
            raise Refusal(_("A month still to come cannot be recorded."))
        try:
            with transaction.atomic():
                service = ServiceMonth.objects.create(
                    application=application, month=month, sessions=sessions, billed=amount, recorded_by=user
                )
        except IntegrityError:
            raise Refusal(
                _("%(month)s is already recorded for this child.") % {"month": f"{month:%Y-%m}"}
            ) from None
        record(AuditEntry.Action.CREATE, user=user, obj=service, details={"billed": str(amount)})
    return service


def settled_in_year(child_id: int, aid_kind: str, year: int) -> Decimal:
    total = ServiceMonth.objects.filter(
        application__child_id=child_id,
        application__aid_kind=aid_kind,
        month__year=year,
        settled__isnull=False,
    ).aggregate(total=Sum("settled"))["total"]
    return total or Decimal("0")


@transaction.atomic
def settle(user: User, service: ServiceMonth) -> ServiceMonth:
    """Settle a month: what was billed, but never more than the standard leaves for the child
    that year; and once (a second settlement, by anyone, is refused)."""
    application = service.application
    require(user, "rehabilitation.settle_servicemonth", application)
    # Every application of the child for this aid, locked: two months settled at once cannot
    # both take what is left of the year's standard.
    list(
        Application.objects.select_for_update()
        .filter(child_id=application.child_id, aid_kind=application.aid_kind)
        .order_by("pk")
    )
    lock(service)
    if service.settled is not None:
        who = service.settled_by.get_full_name() if service.settled_by else ""
        raise Refusal(_("This month was already settled by %(who)s.") % {"who": who or "—"})
    standard = Standard.objects.filter(year=service.month.year, aid_kind=application.aid_kind).first()
    if standard is None:
        raise Refusal(
            _("Set the district's standard for %(aid)s in %(year)d first.")
            % {"aid": application.get_aid_kind_display(), "year": service.month.year}
        )
    left = standard.annual_amount - settled_in_year(
        application.child_id, application.aid_kind, service.month.year
    )
    service.settled = max(Decimal("0"), min(service.billed, left))
    service.settled_by = user
    service.settled_at = timezone.now()
    service.save(update_fields=["settled", "settled_by", "settled_at"])
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=service,
        details={"action": "settle", "billed": str(service.billed), "settled": str(service.settled)},
    )
    return service


def live_application(child_id: int, aid_kind: str) -> Application | None:
    return Application.objects.filter(child_id=child_id, aid_kind=aid_kind, status__in=LIVE).first()
