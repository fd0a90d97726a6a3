"""What waits on the home page of those who keep intervention cases: reviews due within a week
(late ones counted). The user's own work, never a statistic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can

from .cases import REMIND_AHEAD_DAYS, cases_for
from .models import Case

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def reviews_due(user: User) -> Iterator[WorkItem]:
    if not can(user, "intervention.view_case"):
        return
    today = timezone.localdate()
    due = cases_for(user).filter(
        status=Case.Status.OPEN, next_review__lte=today + dt.timedelta(days=REMIND_AHEAD_DAYS)
    )
    yield WorkItem(
        _("Intervention cases due for review"),
        reverse("intervention:cases"),
        due.count(),
        due.filter(next_review__lt=today).count(),
    )
