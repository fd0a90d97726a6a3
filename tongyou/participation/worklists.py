"""What waits in participation: children's words to moderate, proposals to assign and answers
to publish (organisers), proposals to answer (the unit they are assigned to)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import WorkItem
from tongyou.core.scoping import can, scoped

from . import proposals
from .models import Comment, Proposal
from .steps import DISPATCHERS

if TYPE_CHECKING:
    from tongyou.accounts.models import User

Status = Proposal.Status


def work(user: User) -> Iterator[WorkItem]:
    today = timezone.localdate()
    if can(user, "participation.moderate_proposal"):
        mine = proposals.visible_to(user)
        waiting = mine.filter(status=Status.PENDING)
        yield WorkItem(
            _("Children's proposals to moderate"), reverse("participation:moderation"), waiting.count()
        )
        comments = scoped(Comment.objects.filter(status=Comment.Status.PENDING), user)
        yield WorkItem(
            _("Children's comments to moderate"), reverse("participation:moderation"), comments.count()
        )
        if user.role in DISPATCHERS:
            url = reverse("participation:processes")
            yield WorkItem(
                _("Children's proposals to assign to a unit"),
                url,
                mine.filter(status=Status.APPROVED).count(),
            )
            yield WorkItem(
                _("Answers to children to publish"), url, mine.filter(status=Status.ANSWERED).count()
            )
    if user.unit_id is not None and user.role in proposals.PROPOSAL_FLOW.steps["answer"].roles:
        assigned = proposals.visible_to(user).filter(unit_id=user.unit_id, status=Status.ASSIGNED)
        yield WorkItem(
            _("Children's proposals to answer"),
            reverse("participation:replies"),
            assigned.count(),
            assigned.filter(reply_due__lt=today).count(),
        )
