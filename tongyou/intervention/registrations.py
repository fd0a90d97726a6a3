from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from .cases import run_reminders
from .demo import load_demo_intervention
from .worklists import reviews_due

# Listed under "Care and protection" (关爱保护), beside the other protection services.
registry.menu(
    NavItem(
        "intervention.cases",
        _("Intervention cases"),
        "intervention:cases",
        group="welfare",
        order=80,
        visible=lambda u: can(u, "intervention.view_case"),
    ),
    NavItem(
        "intervention.sealed",
        _("Lawful query of sealed cases"),
        "intervention:sealed",
        group="welfare",
        order=81,
        visible=lambda u: can(u, "intervention.query_sealed"),
    ),
    NavItem(
        "intervention.summary",
        _("Graded intervention: district totals"),
        "intervention:summary",
        group="welfare",
        order=82,
        visible=lambda u: can(u, "intervention.view_summary") and not can(u, "intervention.view_case"),
    ),
)
registry.worklist("intervention.reviews", reviews_due, order=64)
registry.job(
    "intervention.reviews",
    run_reminders,
    every=24 * 3600,
    description="Tell the keepers of intervention cases whose review falls due within a week",
)
registry.demo_data(
    "intervention.demo",
    lambda options: load_demo_intervention(),
    order=107,  # after the demo accounts (95): the police, the procuratorate and the school act
    description="Graded intervention: cases at both grades with measures, a referral, a sealed case",
)
