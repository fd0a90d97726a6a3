from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import (
    indicators,  # registers the indicators it computes
    worklists,
)
from .councils import roll_off
from .demo import load_demo_participation
from .proposals import notify_overdue
from .public_views import facility_lines

registry.menu_group("participation", _("Children's participation"), order=55)
registry.menu(
    NavItem(
        "participation.public",
        _("Children's voices"),
        "participation:public",
        group="public",
        order=60,
        public=True,
    ),
    NavItem(
        "participation.processes",
        _("Participation processes"),
        "participation:processes",
        group="participation",
        order=10,
        visible=lambda u: can(u, "participation.view_process"),
    ),
    NavItem(
        "participation.councils",
        _("Children's councils"),
        "participation:councils",
        group="participation",
        order=15,
        visible=lambda u: can(u, "participation.view_council") or can(u, "participation.add_participant"),
    ),
    NavItem(
        "participation.reach",
        _("Who takes part"),
        "participation:reach",
        group="participation",
        order=40,
        visible=lambda u: can(u, "participation.view_reach"),
    ),
    NavItem(
        "participation.moderation",
        _("Proposals to moderate"),
        "participation:moderation",
        group="participation",
        order=20,
        visible=lambda u: can(u, "participation.moderate_proposal"),
    ),
    NavItem(
        "participation.replies",
        _("Children's proposals for my unit"),
        "participation:replies",
        group="participation",
        order=30,
        visible=lambda u: (
            getattr(u, "unit_id", None) is not None
            and getattr(u, "role", None) in ("unit_officer", "street_officer", "coordinator")
            and can(u, "participation.view_proposal")
        ),
    ),
)
registry.worklist("participation", worklists.work)
registry.task_fact("1.3", indicators.task_facts)
registry.map_layer("participation.proposals", _("Children's proposals"), "participation:proposals_geojson")
registry.panel("participation.facility", "spaces.Facility", _("What children proposed here"), facility_lines)
registry.job(
    "participation.overdue",
    notify_overdue,
    every=3600,
    description="Tell units (and their supervisors) about children's proposals not answered in time",
)
registry.job(
    "participation.roll_off",
    roll_off,
    every=6 * 3600,
    description="End council seats whose term or age limit has passed, or whose consent was withdrawn",
)
registry.demo_data(
    "participation.processes",
    lambda options: load_demo_participation(),
    order=103,  # after the demo accounts (95): the office, streets, directors and units do it
    description="A process in each of the four stages, with children's proposals at every step",
)
