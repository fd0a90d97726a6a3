from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import indicators  # registers GS-10 and GS-11
from .demo import load_demo_readiness
from .worklists import work

# Listed under "Care and protection" (关爱保护) beside the other protection services.
registry.menu(
    NavItem(
        "readiness.overview",
        _("Disaster readiness for children"),
        "readiness:overview",
        group="welfare",
        order=85,
        visible=lambda u: can(u, "readiness.view_overview"),
    ),
    NavItem(
        "readiness.screenings",
        _("Risk screening"),
        "readiness:screenings",
        group="welfare",
        order=86,
        visible=lambda u: can(u, "readiness.view_screening"),
    ),
)
registry.worklist("readiness", work, order=66)
registry.demo_data(
    "readiness.demo",
    lambda options: load_demo_readiness(),
    order=108,  # after the demo accounts (95) and the facilities
    description="Readiness: supply norms and stock, screenings with follow-ups, plans and drills",
)
registry.task_fact("4.6", indicators.task_facts)
