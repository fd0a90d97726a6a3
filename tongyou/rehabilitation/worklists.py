"""What waits on the home page: for the disability federation, applications to review (late ones
counted); for the community and the street, applications returned to them. Counts of the user's
own work, never a statistic."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can, scoped

from .models import Application, Status

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def waiting_applications(user: User) -> Iterator[WorkItem]:
    if can(user, "rehabilitation.settle_servicemonth"):
        waiting = scoped(Application.objects.filter(status=Status.SUBMITTED), user)
        yield WorkItem(
            _("Rehabilitation assistance applications to review"),
            reverse("rehabilitation:applications") + "?status=submitted",
            waiting.count(),
            waiting.filter(step_due__lt=timezone.localdate()).count(),
        )
    elif can(user, "rehabilitation.add_application"):
        returned = scoped(Application.objects.filter(status=Status.RETURNED), user)
        yield WorkItem(
            _("Rehabilitation assistance applications returned to you"),
            reverse("rehabilitation:applications") + "?status=returned",
            returned.count(),
        )
