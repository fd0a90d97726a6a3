from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import (
    indicators,  # noqa: F401 (registers the indicators it computes)
    worklists,
)
from .demo import load_demo_facilities, load_demo_population
from .inspections import load_checklists

registry.menu_group("spaces", _("Child-friendly spaces"), order=50)
registry.menu(
    NavItem("spaces.map", _("Child-friendly places"), "spaces:map", group="public", order=50, public=True),
    NavItem(
        "spaces.facilities",
        _("Facilities"),
        "spaces:facilities_list",
        group="spaces",
        order=10,
        visible=lambda u: can(u, "spaces.view_facility"),
    ),
    NavItem(
        "spaces.rectifications",
        _("Rectifications"),
        "spaces:rectifications",
        group="spaces",
        order=20,
        visible=lambda u: can(u, "spaces.view_finding"),
    ),
    NavItem(
        "spaces.coverage",
        _("Coverage"),
        "spaces:coverage",
        group="spaces",
        order=30,
        visible=lambda u: can(u, "spaces.aggregate_facility"),
    ),
    NavItem(
        "spaces.population",
        _("Resident population"),
        "spaces:population",
        group="spaces",
        order=40,
        visible=lambda u: can(u, "spaces.import_population"),
    ),
)
registry.reference_data(
    "spaces.checklists", load_checklists, order=50, description="Facility checklist items"
)
registry.demo_data(
    "spaces.facilities", lambda options: load_demo_facilities(), order=10, description="Demo facilities"
)
registry.demo_data(
    "spaces.population",
    lambda options: load_demo_population(),
    order=11,
    description="Resident population by street (synthetic share of the census total)",
)
registry.worklist("spaces", worklists.work)
