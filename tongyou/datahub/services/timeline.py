"""A child's facts from every department, newest first, with where each came from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import Disability, Enrolment, InsuranceEnrolment, StatusPeriod, Vaccination

if TYPE_CHECKING:
    from tongyou.datahub.models import Child

FACT_MODELS = (Enrolment, InsuranceEnrolment, Disability, StatusPeriod, Vaccination)


def _describe(fact: Any) -> str:
    if isinstance(fact, Enrolment):
        parts = [
            fact.institution,
            fact.get_institution_kind_display(),
            fact.get_ownership_display(),
            fact.grade,
        ]
    elif isinstance(fact, InsuranceEnrolment):
        parts = [fact.get_scheme_display()]
    elif isinstance(fact, Vaccination):
        parts = [fact.vaccine, fact.dose]
    elif isinstance(fact, Disability):
        parts = [fact.get_disability_type_display(), fact.get_grade_display()]
    else:
        parts = [fact.get_status_display()]
    return " · ".join(str(p) for p in parts if p)


def timeline(child: Child) -> list[Any]:
    entries = []
    for model in FACT_MODELS:
        for fact in model.objects.filter(child=child).select_related("unit"):
            entries.append(
                {
                    "kind": model._meta.verbose_name,
                    "summary": _describe(fact),
                    "valid_from": fact.valid_from,
                    "valid_to": fact.valid_to,
                    "unit": fact.unit.name,
                    "batch": fact.batch_id,
                    "row": fact.row_number,
                }
            )
    return sorted(entries, key=lambda e: e["valid_from"], reverse=True)
