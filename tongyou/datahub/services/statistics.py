"""Counts of children by dimension, scoped to the user and shown as their disclosure policy allows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, F, Field, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core import disclosure
from tongyou.core.scoping import scoped, scoped_region_path
from tongyou.regions.models import Region

from ..codes import AGE_BANDS, Ethnicity, InstitutionKind, Sex
from ..models import Child, Disability, Enrolment, InsuranceEnrolment
from .columns import count_cells, fresh_columns
from .filters import ChildFilter, current, years_before

if TYPE_CHECKING:
    from tongyou.accounts.models import User

# Path layout: "/<district 12>/<street 12>/<community 12>/…": 1-indexed offsets for Substr.
STREET_OFFSET, COMMUNITY_OFFSET, CODE_LENGTH = 15, 28, 12
DIMENSIONS = {
    "street": _("Street or town"),
    "community": _("Community or village"),
    "sex": _("Sex"),
    "age_band": _("Age band"),
    "ethnicity": _("Ethnicity"),
    "insured": _("Medical insurance"),
    "enrolment": _("Enrolment"),
    "disability": _("Disability"),
}
YES_NO = {"yes": _("Yes"), "no": _("No")}
REGION_LEVELS = {"street": 1, "community": 2}  # position of the code in a region path


def age_band_expression(as_of: dt.date) -> Case:
    whens = [
        When(
            birth_date__gt=years_before(as_of, hi + 1),
            birth_date__lte=years_before(as_of, lo),
            then=Value(label),
        )
        for label, lo, hi in AGE_BANDS
    ]
    return Case(*whens, default=Value("18+"), output_field=CharField())


def _expression(dimension: str, as_of: dt.date) -> Substr[Field[Any, Any]] | Case | Coalesce | F:
    if dimension == "street":
        return Substr("residence_region__path", STREET_OFFSET, CODE_LENGTH)
    if dimension == "community":
        return Substr("residence_region__path", COMMUNITY_OFFSET, CODE_LENGTH)
    if dimension == "age_band":
        return age_band_expression(as_of)
    if dimension in ("insured", "disability"):
        model = InsuranceEnrolment if dimension == "insured" else Disability
        return Case(
            When(Exists(current(model, as_of)), then=Value("yes")),
            default=Value("no"),
            output_field=CharField(),
        )
    if dimension == "enrolment":
        kind = current(Enrolment, as_of).order_by("-valid_from").values("institution_kind")[:1]
        return Coalesce(Subquery(kind), Value("none"), output_field=CharField())
    return F(dimension)  # sex, ethnicity: plain columns


def _group_expression(dimension: str, as_of: dt.date) -> F | Substr[Field[Any, Any]] | Case | Coalesce:
    # Region dimensions group on the residence key (no join, a few hundred groups) and are
    # rolled up to streets or communities in Python: benchmarks/statistics.py measures why.
    if dimension in REGION_LEVELS:
        return F("residence_region_id")
    return _expression(dimension, as_of)


def _roll_up(dimension: str) -> Any:
    if dimension not in REGION_LEVELS:
        return lambda key: key
    depth = REGION_LEVELS[dimension]
    code_of = {
        pk: path.strip("/").split("/")[depth]
        for pk, path in Region.objects.values_list("pk", "path")
        if path.count("/") > depth + 1
    }
    return lambda key: code_of.get(key, "")


def _labels(dimension: str, keys: Any, region_names: dict | None = None) -> dict:
    if dimension in ("street", "community"):
        if region_names is None:
            region_names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
        return {k: region_names.get(k, k) for k in keys}
    if dimension == "sex":
        return {k: str(Sex(k).label) for k in keys if k in Sex.values}
    if dimension == "ethnicity":
        return {k: str(Ethnicity(k).label) for k in keys if k in Ethnicity.values}
    if dimension in ("insured", "disability"):
        return {k: str(YES_NO[k]) for k in keys}
    if dimension == "enrolment":
        return {
            k: str(InstitutionKind(k).label) if k in InstitutionKind.values else str(_("Not enrolled"))
            for k in keys
        }
    return {k: k for k in keys}


def _order(dimension: str, keys: Any) -> list:
    if dimension == "age_band":
        order = [label for label, _lo, _hi in AGE_BANDS] + ["18+"]
        return [k for k in order if k in keys]
    return sorted(keys)


@dataclass
class Pivot:
    """Counts of children by two dimensions, shown as the user's disclosure policy allows
    (core/disclosure.py): `cells` hold the contributor sets, the display methods the figures."""

    row_dimension: str
    col_dimension: str
    rows: list
    cols: list
    row_labels: dict
    col_labels: dict
    cells: dict  # (row, col) → Signature
    policy: disclosure.Policy = disclosure.EXACT

    @property
    def note(self) -> str:
        return disclosure.note()

    @property
    def suppressed(self) -> Any:
        """Whether figures are protected (perturbed, small ones hidden) rather than exact."""
        return self.policy.protected

    @property
    def counts(self) -> dict:
        """{(row, col): true count} (for code that must not show it to a protected user)."""
        return {key: signature.n for key, signature in self.cells.items()}

    def count(self, row: Any, col: int) -> int:
        """The true count (for code that must not show it to a protected user)."""
        return self.cells.get((row, col), disclosure.Signature()).n

    def cell(self, row: Any, col: int) -> int | None:
        return disclosure.persons(self.cells.get((row, col), disclosure.Signature()), self.policy)

    def row_total(self, row: Any) -> int | None:
        return disclosure.persons(
            disclosure.total(self.cells.get((row, c), EMPTY) for c in self.cols), self.policy
        )

    def col_total(self, col: int) -> int | None:
        return disclosure.persons(
            disclosure.total(self.cells.get((r, col), EMPTY) for r in self.rows), self.policy
        )

    @property
    def grand_total(self) -> Any:
        return sum(signature.n for signature in self.cells.values())

    @property
    def grand_total_shown(self) -> int | None:
        return disclosure.persons(disclosure.total(self.cells.values()), self.policy)

    def table(self) -> list:
        """Rows of display values: counts, or None where hidden."""
        return [
            {
                "key": r,
                "label": self.row_labels.get(r, r),
                "cells": [self.cell(r, c) for c in self.cols],
                "total": self.row_total(r),
            }
            for r in self.rows
        ]


EMPTY = disclosure.Signature()


def _count_in_database(
    user: User,
    rows: Any,
    cols: Any,
    filters: ChildFilter,
    as_of: dt.date,
    queryset: QuerySet[Any] | None = None,
    signed: bool = True,
) -> dict:
    base = scoped(queryset if queryset is not None else Child.objects.all(), user, "aggregate")
    grouped = (
        filters.apply(base, as_of)
        .annotate(r=_group_expression(rows, as_of), c=_group_expression(cols, as_of))
        .values("r", "c")
        .annotate(n=Count("id"), ids=Sum("id"))
        .order_by()
    )
    roll_rows, roll_cols = _roll_up(rows), _roll_up(cols)
    cells: dict = {}
    for g in grouped:
        key = (roll_rows(g["r"]), roll_cols(g["c"]))
        cells[key] = cells.get(key, EMPTY) + disclosure.Signature(g["n"], g["ids"] if signed else 0)
    return cells


def question_area(user: User, dimensions: Any, filters: ChildFilter) -> str:
    """The finest area a question names: the user's own jurisdiction, the region filter, or a
    region dimension."""
    levels: dict[int, str] = {
        Region.Level.DISTRICT: "district",
        Region.Level.STREET: "street",
        Region.Level.COMMUNITY: "community",
        Region.Level.GRID: "grid",
    }
    order = ["district", "street", "community", "grid"]
    found = ["district"]
    jurisdiction = getattr(user, "jurisdiction", None)
    if jurisdiction is not None:
        found.append(levels[jurisdiction.level])
    if filters.region:
        level = Region.objects.filter(code=filters.region).values_list("level", flat=True).first()
        found.append(levels.get(level, "grid") if level is not None else "grid")
    found += [d for d in dimensions if d in ("street", "community")]
    return max(found, key=order.index)


def question_attributes(dimensions: Any, filters: ChildFilter) -> Any:
    """The attributes a question combines besides the area (ages count once, as "age")."""
    named = {"age" if d == "age_band" else d for d in dimensions if d not in REGION_LEVELS}
    described = filters.describe()
    named |= {"age" if k in ("age_min", "age_max") else k for k in described if k != "region"}
    return named


def child_pivot(
    user: User,
    rows: str = "street",
    cols: str = "sex",
    as_of: dt.date | None = None,
    queryset: QuerySet[Any] | None = None,
    filters: ChildFilter | None = None,
) -> Pivot:
    """Counts of children in the user's jurisdiction by two dimensions, as the user's disclosure
    policy allows; raises Refusal for a question the policy does not allow."""
    if rows not in DIMENSIONS or cols not in DIMENSIONS or rows == cols:
        raise ValueError(f"Pick two different dimensions from {', '.join(DIMENSIONS)}.")
    as_of = as_of or timezone.localdate()
    filters = filters or ChildFilter()
    policy = disclosure.Policy.for_user(user)
    disclosure.check_question(
        policy,
        area=question_area(user, [rows, cols], filters),
        attributes=question_attributes([rows, cols], filters),
        age_min=filters.age_min,
        age_max=filters.age_max,
    )
    columns = fresh_columns() if queryset is None and settings.DATAHUB_STATISTICS_IN_MEMORY else None
    region_names = None
    if columns is not None:
        path = scoped_region_path(Child, user, "aggregate")
        # Exact readers need no contributor sets: one bincount fewer.
        signed = policy.protected
        cells = {}
        if path is not None:
            inside = columns.regions.under(path)
            cells = count_cells(inside, [rows, cols], filters, as_of, columns, signatures=signed)
        if not signed:
            cells = {key: disclosure.Signature(n, 0) for key, n in cells.items()}
        region_names = columns.regions.names
    else:
        cells = _count_in_database(user, rows, cols, filters, as_of, queryset, signed=policy.protected)
    row_keys = _order(rows, {r for r, _ in cells})
    col_keys = _order(cols, {c for _, c in cells})
    labels = _labels(rows, row_keys, region_names), _labels(cols, col_keys, region_names)
    return Pivot(rows, cols, row_keys, col_keys, *labels, cells, policy)
