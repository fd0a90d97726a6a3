"""Indicator values: computed from the registries, or reported by units and checked first.

Periods are DHIS2-style strings: "2026" for a year, "2026Q3" for a quarter. A computed value is
accepted as it is computed; a reported one waits for the coordinator with its report."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.registry import registry
from tongyou.core.scoping import require
from tongyou.regions.tree import RegionTree

from .models import Indicator, IndicatorValue, ReportingRound

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.monitoring.models import ProgressReport
    from tongyou.regions.models import Region

PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")
CENT = Decimal("0.01")
# Unless an indicator says otherwise: a share moving more than 20 points in a period is checked.
DEFAULT_SHARE_JUMP = Decimal(20)


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of "2026" or "2026Q3"; ValueError names a malformed period."""
    match = PERIOD.match(period or "")
    if not match:
        raise ValueError(_("'%(period)s' is not a period; write 2026 or 2026Q3.") % {"period": period})
    year, quarter = int(match[1]), match[2]
    if not quarter:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    first_month = 3 * (int(quarter) - 1) + 1
    start = datetime.date(year, first_month, 1)
    end = (start.replace(day=28) + datetime.timedelta(days=70)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def previous_period(period: str) -> str:
    start, _end = period_bounds(period)
    if "Q" in period:
        day = start - datetime.timedelta(days=1)
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return str(start.year - 1)


def as_of(period: str, today: datetime.date | None = None) -> datetime.date:
    """The day a period's figures are counted on: its last day, or today while it runs."""
    today = today or timezone.localdate()
    return min(period_bounds(period)[1], today)


def ratio(
    indicator: Indicator, numerator: Decimal | float | None, denominator: Decimal | float | None
) -> Decimal | None:
    if numerator is None:
        return None
    if not indicator.denominator:
        return Decimal(numerator).quantize(CENT)
    if not denominator:
        return None  # "not applicable": nothing to count, as with a district without bus hubs
    return (Decimal(numerator) * indicator.factor / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)


@transaction.atomic
def compute(period: str, today: datetime.date | None = None, indicators: Any = None) -> int:
    """Compute every computed indicator for `period`, by district, street and community; replace
    the previous computed values. Returns the number of values written."""
    day = as_of(period, today)
    tree = RegionTree()
    year = int(period[:4])
    reporting_round = ReportingRound.objects.filter(year=year, quarter=None).first()
    written = 0
    for indicator in indicators or Indicator.objects.exclude(calculator=""):
        calculate = registry.indicators.get(indicator.calculator)
        if calculate is None:  # its app is not installed here: nothing to compute, keep what was
            continue
        numerators, denominators = calculate(day, tree, reporting_round)
        IndicatorValue.objects.filter(indicator=indicator, period=period, source="computed").delete()
        regions = set(numerators) | set(denominators or {})
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator,
                period=period,
                region_id=region_id,
                numerator=numerators.get(region_id, 0),
                denominator=(denominators or {}).get(region_id) if denominators is not None else None,
                value=ratio(
                    indicator,
                    numerators.get(region_id, 0),
                    (denominators or {}).get(region_id, 0),
                ),
                source=IndicatorValue.Source.COMPUTED,
                state=IndicatorValue.State.ACCEPTED,
                note=_("Computed on %(day)s from the registries.") % {"day": timezone.localdate()},
            )
            for region_id in regions
        )
        written += len(regions)
    return written


def check(
    indicator: Indicator,
    numerator: Decimal | float | None,
    denominator: Decimal | float | None,
    value: Any,
    previous: Any = None,
    note: str = "",
) -> Any:
    """The value a report gives, or Refusal listing every fault in words a unit understands."""
    errors = []
    for label, figure in ((_("numerator"), numerator), (_("denominator"), denominator), (_("value"), value)):
        if figure is not None and figure < 0:
            errors.append(_("The %(what)s cannot be negative.") % {"what": label})
    if indicator.denominator:
        if numerator is None or denominator is None:
            errors.append(
                _("Give both the numerator (%(numerator)s) and the denominator (%(denominator)s).")
                % {"numerator": indicator.numerator, "denominator": indicator.denominator}
            )
        elif denominator == 0:
            errors.append(_("The denominator is 0: nothing to measure. Leave the indicator out instead."))
        elif indicator.is_share and numerator > denominator:
            errors.append(
                _("The numerator (%(numerator)s) is larger than the denominator (%(denominator)s).")
                % {"numerator": numerator, "denominator": denominator}
            )
        computed = ratio(indicator, numerator, denominator) if not errors else None
        if value is not None and computed is not None and abs(value - computed) > Decimal("0.05"):
            errors.append(
                _("The value %(value)s does not match the numerator and denominator (%(computed)s).")
                % {"value": value, "computed": computed}
            )
        value = computed if value is None else value
    else:
        value = numerator if value is None else value
        if value is None:
            errors.append(_("Give the value."))
    if value is not None and indicator.is_share and value > 100:
        errors.append(_("A share cannot be above 100%% (%(value)s%%).") % {"value": value})
    limit = indicator.max_jump or (DEFAULT_SHARE_JUMP if indicator.is_share else None)
    if not errors and previous is not None and previous.value is not None and limit is not None:
        change = abs(value - previous.value)
        if change > limit and not note.strip():
            errors.append(
                _(
                    "The value moved from %(before)s (%(period)s) to %(after)s, more than %(limit)s: "
                    "explain the change in the note."
                )
                % {"before": previous.value, "period": previous.period, "after": value, "limit": limit}
            )
    if errors:
        raise Refusal(errors)
    return value


def last_accepted(indicator: Indicator, period: str, region: Region) -> IndicatorValue | None:
    return IndicatorValue.objects.filter(
        indicator=indicator,
        period=previous_period(period),
        region=region,
        state=IndicatorValue.State.ACCEPTED,
    ).first()


@transaction.atomic
def report_value(
    report: ProgressReport,
    user: User,
    indicator: Indicator,
    region: Region,
    numerator: Decimal | float | None = None,
    denominator: Decimal | float | None = None,
    value: Any = None,
    note: str = "",
) -> Any:
    """A unit's value for an indicator it owns, travelling with its report."""
    require(user, "monitoring.report_for_unit", report.unit)
    if report.state not in ("draft", "returned"):
        raise Refusal(
            [_("The report is %(state)s and cannot be changed.") % {"state": report.get_state_display()}]
        )
    if indicator.is_computed:
        raise Refusal(
            [_("%(code)s is computed from the registries; it is not reported.") % {"code": indicator.code}]
        )
    if not indicator.source_units.filter(pk=report.unit_id).exists():
        raise Refusal(
            [
                _("%(unit)s is not a source unit of %(code)s.")
                % {"unit": report.unit.name, "code": indicator.code}
            ]
        )
    period = report.round.period
    final = check(indicator, numerator, denominator, value, last_accepted(indicator, period, region), note)
    existing = IndicatorValue.objects.filter(
        indicator=indicator, period=period, region=region, source="reported"
    ).first()
    if existing and existing.report_id != report.pk and existing.state == IndicatorValue.State.ACCEPTED:
        raise Refusal(
            [
                _("%(code)s for %(period)s was already accepted from another report.")
                % {"code": indicator.code, "period": period}
            ]
        )
    saved, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        period=period,
        region=region,
        source=IndicatorValue.Source.REPORTED,
        defaults={
            "numerator": numerator,
            "denominator": denominator,
            "value": final,
            "state": IndicatorValue.State.DRAFT,
            "unit": report.unit,
            "report": report,
            "note": note.strip(),
        },
    )
    record(
        AuditEntry.Action.UPDATE,
        user=user,
        obj=saved,
        details={"indicator": indicator.code, "value": str(final)},
    )
    return saved


def best_value(
    indicator: Indicator, period: str, region: Region, accepted_only: bool = True
) -> IndicatorValue | None:
    """The value shown for a cell: an accepted computed value first, then an accepted report."""
    values = IndicatorValue.objects.filter(indicator=indicator, period=period, region=region)
    if accepted_only:
        values = values.filter(state=IndicatorValue.State.ACCEPTED)
    return values.order_by("source").first()  # "computed" sorts before "reported"


def light(indicator: Indicator, value: Any, year: int) -> tuple:
    """green: the target is met; amber: within 10% of it; red: further off; grey: no value or target."""
    # From targets.all(), so a prefetch serves every call (dashboards ask once per cell).
    targets = list(indicator.targets.all())
    dated = sorted((t for t in targets if t.year is not None), key=lambda t: t.year or 0)
    target = (
        next((t for t in dated if (t.year or 0) >= year), None)
        or next((t for t in targets if t.year is None), None)
        or (dated[-1] if dated else None)
    )
    if value is None or target is None:
        return "grey", target
    if target.is_met(value):
        return "green", target
    gap = abs(value - target.value) / (abs(target.value) or 1)
    return ("amber" if gap <= Decimal("0.10") else "red"), target
