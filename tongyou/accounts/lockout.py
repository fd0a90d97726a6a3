"""Password spraying: one address trying a few passwords on many accounts.

django-axes locks a username at one address after AXES_FAILURE_LIMIT failures; a sprayer stays
under that for each account. This backend, placed right after axes, refuses every login from an
address at which LOGIN_SPRAY_LIMIT different accounts failed within axes' cool-off. It reads axes'
own records (the database, not the cache: the guard holds when Redis is down)."""

from __future__ import annotations

import datetime
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _


def accounts_failed_from(address: str) -> int:
    since = timezone.now() - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return (
        AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
        .values("username")
        .distinct()
        .count()
    )


def spraying(address: str | None) -> bool:
    return address is not None and accounts_failed_from(address) >= settings.LOGIN_SPRAY_LIMIT


class SprayGuardBackend:
    """Authenticates nobody; refuses everybody from an address that is spraying. (No get_user: a
    session is never this backend's, and Django picks the first backend with one for sessions.)"""

    def authenticate(
        self, request: Any, username: Any = None, password: str | None = None, **kwargs: Any
    ) -> None:
        address = request.META.get("REMOTE_ADDR") if request is not None else None
        if spraying(address):
            request.login_refused = _(
                "Too many accounts failed to log in from this address. Logging in from it is paused "
                "for 30 minutes; ask the system administrator if this is a mistake."
            )
            raise PermissionDenied
        return None
