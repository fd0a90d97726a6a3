from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import indicators  # registers DE-01's calculator
from .demo import load_demo_guidance
from .worklists import work

# Listed under "Care and protection" (关爱保护): family support beside the other services.
registry.menu(
    NavItem(
        "guidance.overview",
        _("Family-education guidance"),
        "guidance:overview",
        group="welfare",
        order=90,
        visible=lambda u: can(u, "guidance.view_reach"),
    ),
    NavItem(
        "guidance.visits",
        _("Family visits"),
        "guidance:visits",
        group="welfare",
        order=91,
        visible=lambda u: can(u, "guidance.view_visit"),
    ),
)
registry.worklist("guidance", work, order=68)
registry.demo_data(
    "guidance.demo",
    lambda options: load_demo_guidance(),
    order=109,  # after the demo accounts (95) and the community app's pool (105)
    description="Family-education guidance: parent schools, visits and follow-ups, survey answers, a session",
)
registry.task_fact("5.1", indicators.task_facts)
