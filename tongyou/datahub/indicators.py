"""Indicators computed from the child data hub's registries.

Registered with the kernel (core/registry.py); monitoring stores the values.

Each calculator takes the day the period ends (or today, for the period under way), the region
tree and the reporting round, and returns (numerators, denominators): counts by region id for the
district, every street and every community, or by the district alone where the figure has no
geography. Children count where they live (`residence_region`, a grid), rolled up the region tree.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, QuerySet

from tongyou.core.registry import IndicatorResult, registry

from .codes import InstitutionKind, Ownership
from .models import Child, Disability, Enrolment, InsuranceEnrolment, StatusPeriod
from .services.filters import current, years_before

if TYPE_CHECKING:
    from tongyou.regions.tree import RegionTree

# The records these indicators are computed from: a change to any marks them for recomputing.
READS = (Child, Enrolment, InsuranceEnrolment, Disability, StatusPeriod)


def children_aged(as_of: dt.date, youngest: int = 0, oldest: int = 17) -> QuerySet[Child]:
    return Child.objects.filter(
        birth_date__gt=years_before(as_of, oldest + 1), birth_date__lte=years_before(as_of, youngest)
    )


def by_residence(children: Any) -> dict:
    return dict(
        children.values_list("residence_region").annotate(n=Count("pk")).values_list("residence_region", "n")
    )


def shares(tree: RegionTree, numerator_children: Any, denominator_children: Any) -> tuple:
    return tree.roll_up(by_residence(numerator_children)), tree.roll_up(by_residence(denominator_children))


@registry.indicator("child_population", reads=READS)
def child_population(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    return tree.roll_up(by_residence(children_aged(as_of))), None


@registry.indicator("insurance_coverage", reads=READS)
def insurance_coverage(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    children = children_aged(as_of)
    return shares(tree, children.filter(Exists(current(InsuranceEnrolment, as_of))), children)


def _kindergarten_share(as_of: dt.date, tree: RegionTree, ownerships: Any) -> tuple:
    kindergarten = {"institution_kind": InstitutionKind.KINDERGARTEN}
    enrolled = Child.objects.filter(Exists(current(Enrolment, as_of, **kindergarten)))
    counted = enrolled.filter(Exists(current(Enrolment, as_of, ownership__in=ownerships, **kindergarten)))
    return shares(tree, counted, enrolled)


@registry.indicator("public_kindergarten_share", reads=READS)
def public_kindergarten_share(
    as_of: dt.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    return _kindergarten_share(as_of, tree, [Ownership.PUBLIC])


@registry.indicator("inclusive_kindergarten_share", reads=READS)
def inclusive_kindergarten_share(
    as_of: dt.date, tree: RegionTree, reporting_round: object = None
) -> IndicatorResult:
    return _kindergarten_share(as_of, tree, [Ownership.PUBLIC, Ownership.INCLUSIVE])


@registry.indicator("disabled_enrolment", reads=READS)
def disabled_enrolment(as_of: dt.date, tree: RegionTree, reporting_round: object = None) -> IndicatorResult:
    """Disabled children of compulsory-school age (6–15) in primary, junior or special school."""
    disabled = children_aged(as_of, 6, 15).filter(Exists(current(Disability, as_of)))
    schools = [InstitutionKind.PRIMARY, InstitutionKind.JUNIOR, InstitutionKind.SPECIAL]
    return shares(
        tree, disabled.filter(Exists(current(Enrolment, as_of, institution_kind__in=schools))), disabled
    )
