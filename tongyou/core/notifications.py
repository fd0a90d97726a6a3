"""Telling people what waits for them, and their supervisors what is late.

Messages never carry a child's name or ID: they say what kind of thing waits and link to the
page, where scoping and the audit log apply as always."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from tongyou.accounts.models import User

from .models import Notification

if TYPE_CHECKING:
    from tongyou.regions.models import Region


def notify(users: Iterable[User], key: str, message: str, url: str = "") -> int:
    """Send `message` once per user for the event `key`; returns how many were new."""
    recipients = {user.pk for user in users if user is not None and user.is_active}
    existing = set(
        Notification.objects.filter(key=key, recipient_id__in=recipients).values_list(
            "recipient_id", flat=True
        )
    )
    new = [
        Notification(recipient_id=pk, key=key, message=str(message)[:300], url=url)
        for pk in sorted(recipients - existing)
    ]
    Notification.objects.bulk_create(new)
    return len(new)


def with_supervisors(users: Iterable[User]) -> list:
    """The users and, for each, their supervisor: who is told when a step is late."""
    users = list(users)
    return users + [user.supervisor for user in users if user.supervisor_id]


def staff_covering(region: Region, roles: Any) -> QuerySet[User]:
    """Active users of `roles` whose jurisdiction contains `region` (the region or an ancestor)."""
    codes = region.path.strip("/").split("/")
    ancestors = ["/" + "/".join(codes[:n]) + "/" for n in range(1, len(codes) + 1)]
    return User.objects.filter(
        jurisdiction__path__in=ancestors, role__in=roles, is_active=True
    ).select_related("supervisor")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    notices = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=ids)
    return notices.update(read_at=timezone.now())
