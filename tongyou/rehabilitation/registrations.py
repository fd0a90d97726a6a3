from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import indicators  # registers RP-05's calculator
from .demo import load_demo_rehabilitation
from .register import run_sync
from .worklists import waiting_applications

# Listed under "Care and protection" (关爱保护): the assistance is one of the welfare services the
# same staff reach for, and a menu of a few headings stays one.
registry.menu(
    NavItem(
        "rehabilitation.register",
        _("Special register of disabled children"),
        "rehabilitation:register",
        group="welfare",
        order=70,
        visible=lambda u: can(u, "rehabilitation.view_registration"),
    ),
    NavItem(
        "rehabilitation.applications",
        _("Assistance applications"),
        "rehabilitation:applications",
        group="welfare",
        order=71,
        visible=lambda u: can(u, "rehabilitation.view_application"),
    ),
    NavItem(
        "rehabilitation.refer",
        _("Refer a child found at a screening"),
        "rehabilitation:refer",
        group="welfare",
        order=72,
        visible=lambda u: can(u, "rehabilitation.refer_child"),
    ),
    NavItem(
        "rehabilitation.institutions",
        _("Designated institutions"),
        "rehabilitation:institutions",
        group="welfare",
        order=73,
        visible=lambda u: can(u, "rehabilitation.view_institution"),
    ),
    NavItem(
        "rehabilitation.coverage",
        _("Rehabilitation assistance coverage"),
        "rehabilitation:coverage",
        group="welfare",
        order=74,
        visible=lambda u: can(u, "rehabilitation.view_coverage"),
    ),
)
registry.worklist("rehabilitation.applications", waiting_applications, order=62)
registry.job(
    "rehabilitation.register",
    run_sync,
    every=6 * 3600,
    description="Put children with a current disability certificate on the special register",
)
registry.demo_data(
    "rehabilitation.demo",
    lambda options: load_demo_rehabilitation(),
    order=106,  # after the demo accounts (95): the federation and the directors act
    description="Rehabilitation: two designated institutions, standards, the register, applications",
)
registry.task_fact("3.2", indicators.task_facts)
