from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import (
    indicators,  # noqa: F401 (registers the indicators it computes)
    worklists,
)
from .demo import load_demo_linkage
from .models import Child
from .services.imports.pipeline import sweep_interrupted
from .services.imports.sources import load_sources
from .services.synthetic import generate, generate_facts


def synthetic_district(options: Any) -> str:
    if Child.objects.exists() and not options.force:
        return f"children already loaded ({Child.objects.count()}); not generating more"
    as_of = datetime.date.fromisoformat(options.as_of) if options.as_of else None
    summary = generate(options.children, seed=options.seed, as_of=as_of, stdout=options.stdout)
    facts = generate_facts(seed=options.seed, as_of=as_of)
    return (
        f"{summary.children} children, {summary.households} households, {summary.guardians} guardians "
        f"(all flagged synthetic); departmental facts (insurance, enrolment, categories, disability): {facts}"
    )


registry.menu_group("children", _("Children and data"), order=20)
registry.menu(
    NavItem(
        "datahub.children",
        _("Children"),
        "datahub:child_list",
        group="children",
        order=10,
        visible=lambda u: can(u, "datahub.view_child"),
    ),
    NavItem(
        "datahub.reviews",
        _("Linkage review"),
        "datahub:review_list",
        group="children",
        order=20,
        visible=lambda u: can(u, "datahub.view_linkreview"),
    ),
    NavItem(
        "datahub.imports",
        _("Imports"),
        "datahub:import_home",
        group="children",
        order=30,
        visible=lambda u: can(u, "datahub.import_source"),
    ),
    NavItem(
        "datahub.statistics",
        _("Statistics"),
        "datahub:statistics",
        group="children",
        order=40,
        visible=lambda u: can(u, "datahub.aggregate_child"),
    ),
)
registry.job(
    "datahub.interrupted_imports", sweep_interrupted, every=0, description="finish imports a restart cut"
)
registry.reference_data("datahub.sources", load_sources, order=40, description="Data sources")
registry.demo_data("datahub.synthetic", synthetic_district, order=50, description="Synthetic district")
registry.demo_data(
    "datahub.births",
    load_demo_linkage,
    order=100,  # after the demo accounts: the health officer imports, the street officer decides
    description="Demo birth registrations, linked, added or waiting for review",
)
registry.worklist("datahub", worklists.work)


def _imports_by_status() -> dict[str, float]:
    """Import batches being checked, waiting to be confirmed or being written."""
    from django.db.models import Count

    from .models import ImportBatch

    waiting = [ImportBatch.Status.CHECKING, ImportBatch.Status.PREVIEWED, ImportBatch.Status.RUNNING]
    counts = dict(
        ImportBatch.objects.filter(status__in=waiting).values_list("status").annotate(n=Count("pk"))
    )
    return {status: counts.get(status, 0) for status in waiting}


registry.metric(
    "tongyou_import_batches", "Import batches not yet finished, by status", _imports_by_status, "status"
)
