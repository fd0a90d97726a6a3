"""What waits for data staff: their own imports to confirm, and linkage reviews in their area."""

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can, scoped

from .models import Child, ImportBatch, LinkReview


def work(user) -> Iterator[WorkItem]:
    if can(user, "datahub.import_source"):
        yield WorkItem(
            _("Your imports checked and waiting to be confirmed"),
            reverse("datahub:import_home"),
            ImportBatch.objects.filter(uploaded_by=user, status=ImportBatch.Status.PREVIEWED).count(),
        )
    if can(user, "datahub.view_linkreview"):
        # As the review list: only reviews whose candidate child the user may also see.
        pending = LinkReview.objects.filter(
            status=LinkReview.Status.PENDING, candidate__in=scoped(Child.objects.all(), user)
        )
        yield WorkItem(
            _("Possible duplicate records to review"),
            reverse("datahub:review_list"),
            scoped(pending, user).count(),
        )
