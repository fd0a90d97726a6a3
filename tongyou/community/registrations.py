from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from .demo import load_demo_community
from .people import run_notify_expiring_checks

registry.menu_group("community", _("Counsellors and volunteers"), order=58)
registry.menu(
    NavItem(
        "community.people",
        _("Counsellors and volunteers"),
        "community:people",
        group="community",
        order=10,
        visible=lambda u: can(u, "community.view_person"),
    ),
    NavItem(
        "community.overview",
        _("Pool: attention and reach"),
        "community:overview",
        group="community",
        order=15,
        visible=lambda u: can(u, "community.view_person"),
    ),
    NavItem(
        "community.activities",
        _("Activities with children"),
        "community:activities",
        group="community",
        order=20,
        visible=lambda u: can(u, "community.view_activity"),
    ),
    NavItem(
        "community.organisations",
        _("Social organisations"),
        "community:organisations",
        group="community",
        order=30,
        visible=lambda u: can(u, "community.view_organisation"),
    ),
)
registry.job(
    "community.checks",
    run_notify_expiring_checks,
    every=24 * 3600,
    description="Tell the pool's keepers about background checks expiring within 30 days",
)
registry.demo_data(
    "community.pool",
    lambda options: load_demo_community(),
    order=105,  # after the demo accounts (95): the community child director builds the pool
    description="Counsellors and volunteers at each stage, an organisation, a reading session",
)
