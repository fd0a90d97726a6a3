from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import (
    indicators,  # noqa: F401 (registers the indicators it computes)
    worklists,
)
from .demo import load_demo_activity, load_demo_standards
from .harm import escalate_overdue
from .workflow import notify_overdue

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def _files_without_handling(user: User) -> Any:
    # A duty to report (强制报告), not to handle: the staff intake instead of the list.
    return can(user, "welfare.file_harmreport") and not can(user, "welfare.view_harmreport")


registry.menu_group("welfare", _("Care and protection"), order=30)
registry.menu(
    NavItem(
        "welfare.applications",
        _("Allowance applications"),
        "welfare:application_list",
        group="welfare",
        order=10,
        visible=lambda u: can(u, "welfare.view_allowanceapplication"),
    ),
    NavItem(
        "welfare.ledger",
        _("Ledger"),
        "welfare:ledger",
        group="welfare",
        order=20,
        visible=lambda u: can(u, "welfare.view_visit"),
    ),
    NavItem(
        "welfare.visits",
        _("Visit schedule"),
        "welfare:visit_schedule",
        group="welfare",
        order=30,
        visible=lambda u: can(u, "welfare.view_visit"),
    ),
    NavItem(
        "welfare.reports",
        _("Harm reports"),
        "welfare:report_list",
        group="welfare",
        order=40,
        visible=lambda u: can(u, "welfare.view_harmreport"),
    ),
    NavItem(
        "welfare.report_staff",
        _("Report harm (mandatory reporting)"),
        "welfare:report_staff_new",
        group="welfare",
        order=41,
        visible=_files_without_handling,
    ),
    NavItem(
        "welfare.runs",
        _("Monthly payments"),
        "welfare:runs",
        group="welfare",
        order=50,
        visible=lambda u: can(u, "welfare.pay_disbursementrun"),
    ),
    NavItem(
        "welfare.spot_checks",
        _("Spot checks"),
        "welfare:spot_check_items",
        group="welfare",
        order=60,
        visible=lambda u: can(u, "welfare.view_spotcheckitem"),
    ),
    NavItem(
        "welfare.public_report",
        _("Report harm to a child"),
        "public_report",
        group="public",
        order=90,
        anonymous_only=True,
    ),
)
# Harm reports' clocks are hours: every round. Application steps are told in days: every ten
# minutes is enough, and each reminder is sent once (notifications are keyed by their event).
registry.job(
    "welfare.harm_escalation", escalate_overdue, every=0, description="escalate overdue harm reports"
)
registry.job(
    "welfare.overdue_steps", notify_overdue, every=600, description="tell of overdue application steps"
)
registry.demo_data(
    "welfare.standards",
    lambda options: load_demo_standards(),
    order=30,
    description="Demo allowance standards",
)
registry.worklist("welfare", worklists.work)
registry.demo_data(
    "welfare.activity",
    load_demo_activity,
    order=100,  # after the demo accounts: they do the work
    description="A year of welfare work (applications in every state, visits, harm reports)",
)
