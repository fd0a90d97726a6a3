"""What waits on the home page of those who visit families: visit follow-ups falling due within a
week (late ones counted). The user's own work, never a statistic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can, jurisdiction_path

from .models import Visit

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def work(user: User) -> Iterator[WorkItem]:
    if not can(user, "guidance.add_visit"):
        return
    today = timezone.localdate()
    pending = Visit.objects.filter(
        household__region__path__startswith=jurisdiction_path(user) or "-",
        follow_up_done_on__isnull=True,
        follow_up_due__lte=today + dt.timedelta(days=7),
    )
    yield WorkItem(
        _("Family-visit follow-ups due within a week"),
        reverse("guidance:visits"),
        pending.count(),
        pending.filter(follow_up_due__lt=today).count(),
    )
