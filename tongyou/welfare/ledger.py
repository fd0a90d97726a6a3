"""The ledger (台账) of children in the registers, kept fresh by visits at least every quarter.

A child is in the registers while a category (orphan, de-facto unsupported, in difficulty,
left-behind) holds for them, or an application of theirs is active. A record is overdue when
its last visit is older than LEDGER_REVIEW_DAYS (default 92, a quarter).

Visit schedules: each category has its own interval (WELFARE_VISIT_INTERVALS, in days), a child
in several categories is visited at the shortest, a medium or high guardianship risk at the last
visit shortens it further, and a newly registered child is first visited within
WELFARE_FIRST_VISIT_WORKING_DAYS (default 5, after Hangzhou's DB3301/T 0460-2024). National rules
say only "定期走访"; the defaults below are [G] and documented in docs/architecture.md."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.core.errors import Refusal
from tongyou.core.scoping import require, scoped
from tongyou.core.workdays import add_working_days
from tongyou.datahub.codes import ChildStatus
from tongyou.datahub.models import Child, Guardian, StatusPeriod
from tongyou.datahub.services.filters import current, holding
from tongyou.privacy.masking import mask_name, mask_phone

from . import harm
from .models import AllowanceApplication, ApplicationEvent, Category, Status, Visit

if TYPE_CHECKING:
    from tongyou.accounts.models import User

REGISTER_CATEGORIES = (
    ChildStatus.ORPHAN,
    ChildStatus.DE_FACTO_UNSUPPORTED,
    ChildStatus.IN_DIFFICULTY,
    ChildStatus.LEFT_BEHIND,
)


DEFAULT_VISIT_INTERVALS = {
    "orphan": 90,
    "orphan_institution": 180,
    "unsupported": 30,
    "difficulty": 60,
    "difficulty_poverty": 60,
    "difficulty_disability": 60,
    "difficulty_guardianship": 30,
    "left_behind": 90,
    "low_income": 90,
    "extremely_poor": 60,
}
# Applications that keep a child in the registers: paid, or paused while a change is verified.
IN_REGISTER = (Status.ACTIVE, Status.SUSPENDED)
RISK_INTERVALS = {Visit.Risk.MEDIUM: 30, Visit.Risk.HIGH: 14}


@dataclass
class ScheduledVisit:
    child: Child
    categories: list
    interval: int
    registered_on: datetime.date
    last_visit: datetime.date | None
    last_risk: str
    due: datetime.date

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()


def visit_intervals() -> dict[Any, Any]:
    return {**DEFAULT_VISIT_INTERVALS, **getattr(settings, "WELFARE_VISIT_INTERVALS", {})}


def visit_schedule(user: User, today: datetime.date | None = None) -> list[Any]:
    """Every registered child the user may see, with the next visit due, soonest first."""
    today = today or timezone.localdate()
    # (annotated with last_visit by registered())
    children: dict[int, Any] = {
        c.pk: c for c in registered(user, today).select_related("residence_region__parent")
    }
    in_scope = registered(user, today).values("pk")
    categories: defaultdict[int, set] = defaultdict(set)
    since: dict = {}
    periods = holding(StatusPeriod, today, child__in=in_scope, status__in=REGISTER_CATEGORIES)
    for child_id, status, valid_from in periods.values_list("child_id", "status", "valid_from"):
        categories[child_id].add(status)
        since[child_id] = min(since.get(child_id, valid_from), valid_from)
    active = AllowanceApplication.objects.filter(child__in=in_scope, status__in=IN_REGISTER)
    for child_id, category, start in active.values_list("child_id", "category", "payment_start"):
        categories[child_id].add(category)
        if start:
            since[child_id] = min(since.get(child_id, start), start)
    last_risk = dict(
        Visit.objects.filter(child__in=in_scope)
        .order_by("child_id", "visited_on", "id")
        .values_list("child_id", "risk")
    )
    intervals = visit_intervals()
    first_visit = getattr(settings, "WELFARE_FIRST_VISIT_WORKING_DAYS", 5)
    labels = {**dict(ChildStatus.choices), **dict(Category.choices)}
    schedule = []
    for child_id, child in children.items():
        kinds = sorted(categories[child_id]) or [ChildStatus.IN_DIFFICULTY]
        interval = min(intervals.get(kind, review_days()) for kind in kinds)
        risk = last_risk.get(child_id, "")
        interval = min(interval, RISK_INTERVALS.get(risk, interval))  # type: ignore[call-overload]
        registered_on = since.get(child_id, today)
        if child.last_visit is None or child.last_visit < registered_on:
            due = add_working_days(registered_on, first_visit)
        else:
            due = child.last_visit + datetime.timedelta(days=interval)
        schedule.append(
            ScheduledVisit(
                child=child,
                categories=[labels.get(kind, kind) for kind in kinds],
                interval=interval,
                registered_on=registered_on,
                last_visit=child.last_visit,
                last_risk=risk,
                due=due,
            )
        )
    schedule.sort(key=lambda s: (s.due, s.child.pk))
    return schedule


def review_days() -> Any:
    return getattr(settings, "LEDGER_REVIEW_DAYS", 92)


def in_registers(children: Any, today: datetime.date) -> Any:
    """The children of `children` in the registers on `today`, with their last visit date."""
    in_category = Exists(current(StatusPeriod, today, status__in=REGISTER_CATEGORIES))
    paid = Exists(AllowanceApplication.objects.filter(child=OuterRef("pk"), status__in=IN_REGISTER))
    return children.filter(Q(in_category) | Q(paid)).annotate(last_visit=Max("visits__visited_on"))


def registered(user: User, today: datetime.date | None = None) -> QuerySet[Child]:
    """Children in the registers that the user may see, with their last visit date."""
    return in_registers(scoped(Child.objects.all(), user), today or timezone.localdate())


def is_overdue(last_visit: Any, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return last_visit is None or (today - last_visit).days > review_days()


def overdue_by_area(children: Any, today: datetime.date | None = None) -> dict:
    """{(street name, community name): (registered, overdue)} for the dashboard, from the
    children `registered()` gave (with their residence's parents selected)."""
    today = today or timezone.localdate()
    table: dict = {}
    for child in children:
        community = child.residence_region.community
        key = (community.parent.name, community.name)
        total, late = table.get(key, (0, 0))
        table[key] = (total + 1, late + is_overdue(child.last_visit, today))
    return dict(sorted(table.items()))


@transaction.atomic
def record_visit(child: Child, user: User, visited_on: Any, risk: Any, notes: Any = "") -> Any:
    """Record a visit; a high guardianship risk files a staff harm report for the area at once."""
    require(user, "welfare.add_visit", child)
    if visited_on > timezone.localdate():
        raise Refusal(_("A visit cannot be in the future."))
    visit = Visit.objects.create(child=child, visited_on=visited_on, visitor=user, risk=risk, notes=notes)
    if risk == Visit.Risk.HIGH:
        region = child.residence_region
        description = _("Referral from a home visit: guardianship assessed as high risk. %(notes)s") % {
            "notes": notes
        }
        visit.referral = harm.receive(
            situation="9",
            description=description,
            region=region.community,
            child_name=child.name,
            child=child,
            from_public=False,
        )
        visit.save()
    return visit


# ---------------------------------------------------------------- the quarterly ledger (季度台账)


def quarter_bounds(year: int, quarter: int) -> tuple:
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    following = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, following - datetime.timedelta(days=1)


@dataclass
class LedgerRow:
    category: str
    child: Child
    guardian: str
    guardian_phone: str
    street: str
    community: str
    allowance: str
    period: str
    last_visit: datetime.date | None
    risk: str
    changes: list
    overdue: bool


def quarterly(
    user: User, year: int, quarter: int, today: datetime.date | None = None
) -> tuple[list, dict, dict, tuple]:
    """The ledger as a civil-affairs office keeps it for a quarter: one row per child and
    category in the registers at the quarter's end (or today, in the current quarter), with the
    guardian, the allowance and its period, the last visit and its risk, what changed in the
    quarter; a child registered recently is not overdue before the first visit is due."""
    from .disbursement import standard_for  # disbursement imports nothing of the ledger

    start, end = quarter_bounds(year, quarter)
    as_of = min(end, today or timezone.localdate())
    schedule = {s.child.pk: s for s in visit_schedule(user, as_of)}
    ids = list(schedule)
    periods = StatusPeriod.objects.filter(child__in=ids, status__in=REGISTER_CATEGORIES)
    categories = defaultdict(set)
    changes = defaultdict(list)
    status_labels = dict(ChildStatus.choices)
    for child_id, status, valid_from, valid_to in periods.values_list(
        "child_id", "status", "valid_from", "valid_to"
    ):
        if valid_from <= as_of and (valid_to is None or valid_to >= as_of):
            categories[child_id].add(str(status_labels[status]))
        if start <= valid_from <= end:
            changes[child_id].append(
                _("registered as %(category)s on %(day)s")
                % {"category": status_labels[status], "day": valid_from}
            )
        if valid_to and start <= valid_to <= end:
            changes[child_id].append(
                _("%(category)s ended on %(day)s") % {"category": status_labels[status], "day": valid_to}
            )
    applications = {}
    held = AllowanceApplication.objects.filter(child__in=ids, status__in=IN_REGISTER + (Status.TERMINATED,))
    for application in held:
        if application.status in IN_REGISTER:
            categories[application.child_id].add(str(application.get_category_display()))
            applications[application.child_id] = application
    steps = ApplicationEvent.objects.filter(
        application__in=held,
        on__gte=start,
        on__lte=end,
        action__in=("sign_agreement", "suspend", "resume", "terminate"),
    ).select_related("application")
    for event in steps.order_by("on", "id"):  # one query for the quarter, not one per application
        changes[event.application.child_id].append(
            _("%(step)s on %(day)s") % {"step": event.get_to_status_display(), "day": event.on}
        )
    guardians: dict = {}
    for guardian in Guardian.objects.filter(child__in=ids).order_by("child_id", "pk"):
        guardians.setdefault(guardian.child_id, guardian)
    risk_labels = dict(Visit.Risk.choices)
    standards = {}  # category → the standard in force (one query per category)
    rows = []
    for child_id, scheduled in schedule.items():
        child = scheduled.child
        community = child.residence_region.community
        holder = guardians.get(child_id)
        paid = applications.get(child_id)
        allowance = period = ""
        if paid is not None:
            if paid.category not in standards:
                standards[paid.category] = standard_for(paid.category, as_of.replace(day=1))
            standard = standards[paid.category]
            allowance = f"{standard.monthly_amount}" if standard else ""
            period = f"{paid.payment_start:%Y-%m}" if paid.payment_start else ""
            if paid.payment_end:
                period += f" — {paid.payment_end:%Y-%m}"
        for category in sorted(categories[child_id]) or [str(_("In difficulty"))]:
            rows.append(
                LedgerRow(
                    category=category,
                    child=child,
                    guardian=mask_name(holder.name) if holder else "",
                    guardian_phone=mask_phone(holder.phone) if holder else "",
                    street=community.parent.name if community.parent else "",
                    community=community.name,
                    allowance=allowance,
                    period=period,
                    last_visit=scheduled.last_visit,
                    risk=str(risk_labels.get(scheduled.last_risk, "")),
                    changes=changes[child_id],
                    overdue=scheduled.due < as_of,
                )
            )
    rows.sort(key=lambda r: (r.category, r.street, r.community, r.child.pk))
    by_category: defaultdict[str, int] = defaultdict(int)
    by_street: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        by_category[row.category] += 1
        by_street[row.street] += 1
    return rows, dict(sorted(by_category.items())), dict(sorted(by_street.items())), (start, end, as_of)
