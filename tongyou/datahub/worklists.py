"""What waits for data staff: their own imports to confirm, and linkage reviews in their area."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can

from .models import ImportBatch, LinkReview
from .services.reviews import reviewable

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def work(user: User) -> Iterator[WorkItem]:
    if can(user, "datahub.import_source"):
        yield WorkItem(
            _("Your imports checked and waiting to be confirmed"),
            reverse("datahub:import_home"),
            ImportBatch.objects.filter(uploaded_by=user, status=ImportBatch.Status.PREVIEWED).count(),
        )
    if can(user, "datahub.view_linkreview"):
        yield WorkItem(
            _("Possible duplicate records to review"),
            reverse("datahub:review_list"),
            reviewable(user).filter(status=LinkReview.Status.PENDING).count(),
        )
