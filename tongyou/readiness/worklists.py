"""What waits on the home page: children due for screening and risks past their follow-up date
(for those who screen), and children-dense places without a plan or with a drill overdue (for
those who keep plans). Counts of the user's own work, never a statistic."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can, jurisdiction_path

from . import places, screenings
from .models import FollowUp

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def work(user: User) -> Iterator[WorkItem]:
    today = timezone.localdate()
    if can(user, "readiness.add_screening"):
        due = screenings.due(user, today)
        path = jurisdiction_path(user) or "-"
        late = FollowUp.objects.filter(
            done_on__isnull=True, due__lt=today, screening__child__residence_region__path__startswith=path
        ).count()
        yield WorkItem(
            _("Orphans and de-facto-unsupported children to screen for risks"),
            reverse("readiness:screenings"),
            len(due),
            sum(1 for d in due if d.overdue) + late,
        )
    if can(user, "readiness.change_emergencyplan"):
        flagged = [p for p in places.dense_places(user) if p.flagged]
        yield WorkItem(
            _("Children-dense places without a plan or with a drill overdue"),
            reverse("readiness:places"),
            len(flagged),
            len(flagged),
        )
