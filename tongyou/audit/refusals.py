"""Refused access, audited without letting a crawler flood the log.

Every refusal (a 403, a scoped record that is not the user's, a refused reveal) counts against the
user (or, signed out, the address) in a ten-minute window. The first REFUSALS_LOGGED_PER_WINDOW of
a window are chained audit entries each; after that only milestones are (50, 100, 200, 500, …
refusals so far), each carrying the count. When a window reaches REFUSALS_NOTIFY, the security
administrators are told once. Counting uses the cache; with the cache down, this process counts
for itself (core/health.py records the outage) and nothing is lost but the sharing of counts."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import AuditEntry

if TYPE_CHECKING:
    pass

WINDOW_SECONDS = 600
MILESTONES = (50, 100, 200, 500, 1000, 2000, 5000, 10000)
_local_counts: dict[str, int] = {}
_local_lock = threading.Lock()


def _count(key: str) -> int:
    from tongyou.core import health

    with health.degraded(health.CACHE):
        if cache.add(key, 1, WINDOW_SECONDS * 2):
            return 1
        value = cache.incr(key)
        if value:
            return value
    with _local_lock:
        _local_counts[key] = _local_counts.get(key, 0) + 1
        return _local_counts[key]


def _who(request: HttpRequest | None, user: Any) -> tuple[str, str]:
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}", user.get_username()
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    return f"addr:{address}", address


def record_refusal(
    request: Any = None,  # an HttpRequest, which is marked once its refusal is counted
    *,
    status: int,
    reason: str,
    object_type: str = "",
    object_id: str = "",
) -> None:
    """Count one refusal and audit it as the rules above say. Called at most once per request."""
    from .context import current_request
    from .services import record

    request = request if request is not None else current_request()
    if request is not None:
        if getattr(request, "_refusal_recorded", False):
            return
        request._refusal_recorded = True
    user = getattr(request, "user", None) if request is not None else None
    who, label = _who(request, user)
    window = int(time.time() // WINDOW_SECONDS)
    count = _count(f"tongyou:refusals:{who}:{window}")
    limit = settings.REFUSALS_LOGGED_PER_WINDOW
    details = {
        "status": status,
        "reason": reason,
        "path": request.path[:200] if request is not None else "",
        "refusals_in_window": count,
    }
    if count <= limit or count in MILESTONES:
        if count == limit:
            details["summarised_from_here"] = True
        entry: dict[str, Any] = {
            "request": request,
            "user": user if user is not None and user.is_authenticated else None,
            "object_type": object_type,
            "object_id": str(object_id)[:64],
            "details": details,
        }
        if request is not None and connection.in_atomic_block:
            # Refused inside a transaction that the refusal will roll back: written by the audit
            # middleware once the response is out of it (write_pending), so it is not lost.
            request._pending_refusals = [*getattr(request, "_pending_refusals", []), entry]
        else:
            record(AuditEntry.Action.DENIED, **entry)
    if count == settings.REFUSALS_NOTIFY:
        _tell_security(label, window)


def write_pending(request: Any) -> None:
    from .services import record

    for entry in getattr(request, "_pending_refusals", []):
        record(AuditEntry.Action.DENIED, **entry)
    request._pending_refusals = []


def _tell_security(label: str, window: int) -> None:
    from tongyou.accounts.access import security_admins
    from tongyou.core.notifications import notify

    notify(
        security_admins(),
        f"refusals-{label}-{window}",
        _("%(who)s was refused access %(count)d times within ten minutes: check the audit log.")
        % {"who": label, "count": settings.REFUSALS_NOTIFY},
        url="",
    )
