from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry
from tongyou.core.scoping import can

from . import worklists
from .demo import load_demo_drill, load_demo_venue_and_cameras
from .models import MissingChildCase
from .services import delivery, publishing, venues


def live_alerts() -> int:
    """How many alerts are out now (the public list shows each): the badge beside its link."""
    return MissingChildCase.objects.filter(state=MissingChildCase.State.ACTIVE).count()


def widen_and_refresh() -> int:
    return len(publishing.widen_due()) + len(publishing.refresh_due())


registry.menu_group("alerts", _("Missing children"), order=40)
registry.menu(
    NavItem(
        "alerts.public",
        _("Missing children"),
        "alerts:public_list",
        group="public",
        order=30,
        public=True,
        badge=live_alerts,
    ),
    NavItem(
        "alerts.cases",
        _("Alert cases"),
        "alerts:case_list",
        group="alerts",
        order=10,
        visible=lambda u: can(u, "alerts.view_missingchildcase"),
    ),
    NavItem(
        "alerts.partners",
        _("Partner webhooks"),
        "alerts:partners",
        group="alerts",
        order=20,
        visible=lambda u: can(u, "alerts.approve_recipient"),
    ),
    NavItem(
        "alerts.venues",
        _("Code Adam"),
        "alerts:venues",
        group="alerts",
        order=30,
        visible=lambda u: can(u, "alerts.trigger_codeadam"),
    ),
)
# Every round, in this order: widen what is due, so that its topics go out in the same round.
registry.job("alerts.widen", widen_and_refresh, every=0, description="widen and refresh alerts on schedule")
registry.job(
    "alerts.code_adam", lambda: len(venues.escalate_due()), every=0, description="escalate Code Adam"
)
registry.job(
    "alerts.broker_back",
    delivery.resume_if_broker_back,
    every=0,
    description="resume when the broker is back",
)
registry.job("alerts.deliver", delivery.process, every=0, description="send the outboxes")
registry.job("alerts.purge", publishing.purge_due, every=0, description="purge ended alerts")
registry.demo_data(
    "alerts.venue",
    lambda options: load_demo_venue_and_cameras(),
    order=40,
    description="Demo venue for Code Adam",
)
registry.worklist("alerts", worklists.work)
registry.demo_data("alerts.drill", load_demo_drill, order=102, description="A past drill, ended as found")


def _outbox_depth() -> dict[str, float]:
    """Alert messages still to go out, by channel: what a broker or gateway outage piles up."""
    from .models import Delivery, TopicPublication

    return {
        "mqtt": TopicPublication.objects.filter(state=TopicPublication.State.PENDING).count(),
        "recipients": Delivery.objects.filter(state=Delivery.State.PENDING).count(),
    }


registry.metric(
    "tongyou_alert_outbox_pending", "Alert messages waiting to be sent, by channel", _outbox_depth, "channel"
)
