"""What waits for facility staff: rectifications due, and facilities due for monitoring."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can, scoped

from . import inspections
from .models import Facility, Finding

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def work(user: User) -> Iterator[WorkItem]:
    if not can(user, "spaces.view_finding"):
        return
    today = timezone.localdate()
    url = reverse("spaces:rectifications")
    findings = inspections.open_rectifications(scoped(Finding.objects.all(), user))
    yield WorkItem(
        _("Rectifications open"), url, findings.count(), findings.filter(rectify_by__lt=today).count()
    )
    due = inspections.overdue_monitoring(scoped(Facility.objects.all(), user), today)
    yield WorkItem(_("Facilities due for a monitoring inspection"), url, len(due), len(due))
