"""Filters for child queries: who counts, as of a day. Facts count when current on that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import Disability, Enrolment, InsuranceEnrolment, StatusPeriod


def years_before(day: dt.date, years: int) -> Any:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def holding(model: Any, as_of: dt.date, **conditions: Any) -> QuerySet[Any]:
    """The `model` facts that hold on `as_of`."""
    return model.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=as_of), valid_from__lte=as_of, **conditions
    )


def current(model: type[Model], as_of: dt.date, **conditions: Any) -> Any:
    """The `model` facts of the outer child that hold on `as_of`."""
    return holding(model, as_of, child=OuterRef("pk"), **conditions)


@dataclass
class ChildFilter:
    region: str = ""
    age_min: int | None = None
    age_max: int | None = None
    sex: str = ""
    ethnicity: str = ""
    status: str = ""
    insured: str = ""  # "yes" or "no"
    enrolled: str = ""  # an institution kind, or "none"
    disability: str = ""  # "yes" or "no"

    def apply(self, children: Any, as_of: dt.date | None = None) -> Any:
        as_of = as_of or timezone.localdate()
        if self.region:
            children = children.filter(residence_region__path__contains=f"/{self.region}/")
        if self.age_min is not None:
            children = children.filter(birth_date__lte=years_before(as_of, self.age_min))
        if self.age_max is not None:
            children = children.filter(birth_date__gt=years_before(as_of, self.age_max + 1))
        if self.sex:
            children = children.filter(sex=self.sex)
        if self.ethnicity:
            children = children.filter(ethnicity=self.ethnicity)
        if self.status:
            children = children.filter(Exists(current(StatusPeriod, as_of, status=self.status)))
        if self.insured:
            insured = Exists(current(InsuranceEnrolment, as_of))
            children = children.filter(insured if self.insured == "yes" else ~insured)
        if self.enrolled == "none":
            children = children.filter(~Exists(current(Enrolment, as_of)))
        elif self.enrolled:
            children = children.filter(Exists(current(Enrolment, as_of, institution_kind=self.enrolled)))
        if self.disability:
            disabled = Exists(current(Disability, as_of))
            children = children.filter(disabled if self.disability == "yes" else ~disabled)
        return children

    def describe(self) -> dict:
        """The filter as a dict of the fields that are set (for the audit log and exports)."""
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}
