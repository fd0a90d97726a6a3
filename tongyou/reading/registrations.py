from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import indicators  # registers the indicator it computes
from .demo import load_demo_reading
from .entitlements import run_sync

registry.menu_group("reading", _("Early reading (萌阅)"), order=60)
registry.menu(
    NavItem(
        "reading.unreached",
        _("Children to reach"),
        "reading:unreached",
        group="reading",
        order=10,
        visible=lambda u: can(u, "reading.view_entitlement"),
    ),
    NavItem(
        "reading.find",
        _("Hand over a reading pack"),
        "reading:find",
        group="reading",
        order=15,
        visible=lambda u: can(u, "reading.deliver_entitlement"),
    ),
    NavItem(
        "reading.surveys",
        _("Parent surveys"),
        "reading:surveys",
        group="reading",
        order=18,
        visible=lambda u: can(u, "reading.view_delivery"),
    ),
    NavItem(
        "reading.coverage",
        _("萌阅 coverage"),
        "reading:coverage",
        group="reading",
        order=20,
        visible=lambda u: can(u, "reading.view_coverage"),
    ),
    NavItem(
        "reading.points",
        _("Pick-up points and stock"),
        "reading:points",
        group="reading",
        order=30,
        visible=lambda u: can(u, "reading.view_pickuppoint"),
    ),
    NavItem(
        "reading.milestones",
        _("Reading pack milestones"),
        "reading:milestones",
        group="reading",
        order=40,
        visible=lambda u: can(u, "reading.manage_milestone"),
    ),
)
registry.job(
    "reading.entitlements",
    run_sync,
    every=6 * 3600,
    description="Entitle registered children of a reading-pack age (萌阅); mark packs whose age has passed",
)
registry.demo_data(
    "reading.packs",
    lambda options: load_demo_reading(),
    order=104,  # after the demo accounts (95): the clinic, the office and the directors act
    description="萌阅: four packs, pick-up points, stock, entitlements and deliveries in two communities",
)
registry.task_fact("4.3", indicators.task_facts)
