from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import (
    calculators,  # noqa: F401 (registers the indicators it computes)
    worklists,
)
from .demo import load_demo_activity, open_demo_round
from .reports import remind
from .services import load_indicators, load_plan
from .staleness import recompute_stale

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def _reports(user: User) -> Any:
    return can(user, "monitoring.report_for_unit") or can(user, "monitoring.review_progressreport")


registry.menu_group("monitoring", _("Plan monitoring"), order=60)
registry.menu(
    NavItem("monitoring.plan", _("Plan"), "monitoring:plan", group="public", order=10, public=True),
    NavItem(
        "monitoring.progress",
        _("Progress"),
        "monitoring:public_column",
        group="public",
        order=20,
        public=True,
    ),
    NavItem(
        "monitoring.reports",
        _("Progress reports"),
        "monitoring:my_reports",
        group="monitoring",
        order=10,
        visible=_reports,
    ),
    NavItem(
        "monitoring.indicators",
        _("Indicators"),
        "monitoring:dashboard",
        group="monitoring",
        order=20,
        visible=lambda u: can(u, "monitoring.view_indicatorvalue"),
    ),
    NavItem(
        "monitoring.news",
        _("Publish news"),
        "monitoring:news_new",
        group="monitoring",
        order=30,
        visible=lambda u: can(u, "monitoring.add_newsitem"),
    ),
)
# Report deadlines are days: every ten minutes, each reminder sent once.
registry.job("monitoring.reminders", remind, every=600, description="remind units of reports due or overdue")
registry.job(
    "monitoring.recompute",
    recompute_stale,
    every=30,
    description="recompute indicators whose records changed",
)
registry.reference_data("monitoring.plan", load_plan, order=30, description="Plan tasks")
registry.reference_data("monitoring.indicators", load_indicators, order=31, description="Indicators")
registry.demo_data(
    "monitoring.round",
    lambda options: open_demo_round(),
    order=90,
    description="Reporting round and computed indicators",
)
registry.worklist("monitoring", worklists.work)
registry.demo_data(
    "monitoring.activity",
    load_demo_activity,
    order=101,  # after the demo accounts and the round
    description="Progress reports at every stage and a news item",
)
