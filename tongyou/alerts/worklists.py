"""What waits for alert officers: cases waiting for a second officer, and live alerts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can, scoped

from .models import MissingChildCase, Recipient

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def work(user: User) -> Iterator[WorkItem]:
    if can(user, "alerts.view_missingchildcase"):
        cases = scoped(MissingChildCase.objects.all(), user)
        url = reverse("alerts:case_list")
        if can(user, "alerts.publish_missingchildcase"):
            awaiting = cases.filter(state=MissingChildCase.State.AWAITING).exclude(reported_by=user)
            yield WorkItem(_("Alerts waiting for your confirmation"), url, awaiting.count(), awaiting.count())
        yield WorkItem(_("Live alerts"), url, cases.filter(state=MissingChildCase.State.ACTIVE).count())
    if can(user, "alerts.approve_recipient"):
        yield WorkItem(
            _("Partner webhooks waiting for approval"),
            reverse("alerts:partners"),
            Recipient.objects.filter(
                channel=Recipient.Channel.WEBHOOK, is_active=True, approved_at__isnull=True
            ).count(),
        )
