"""Writing, verifying and pruning the audit log. Every app records through `record()`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from tongyou.privacy.keys import keyring

from .context import current_request
from .models import GENESIS_HASH, AuditEntry

if TYPE_CHECKING:
    from tongyou.accounts.models import User

_LOCK_KEY = 7_340_181  # any constant: the PostgreSQL advisory lock that orders appends


def _client_ip(request: HttpRequest | None) -> str | None:
    # Services record without a request: the address is the one of the request being served
    # (audit/context.py), so no service needs the HTTP request to be audited.
    request = request if request is not None else current_request()
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _lock_chain() -> None:
    # Two appends must not both chain onto the same previous entry. PostgreSQL:
    # an advisory lock for the transaction. SQLite: writers are serialised already.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,  # a User, AnonymousUser or None: only a signed-in user is named
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `details` must never hold plaintext personal data or secrets. The
    address is the request's being served (the audit middleware's context), unless given."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        ring = keyring()
        entry = AuditEntry(
            key_id=ring.audit_key_id,
            at=timezone.now(),
            actor_id=user.pk if authenticated else None,
            actor_username=user.get_username() if authenticated else (details or {}).get("username", ""),
            actor_role=getattr(user, "role", "") if authenticated else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details or {},
            ip_address=_client_ip(request),
            prev_hash=last or GENESIS_HASH,
        )
        entry.entry_hash = entry.compute_hash(ring.audit_key)
        entry.save()
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def verify_chain(anchors_checked: bool = True) -> VerifyResult:
    """Walk the chain oldest first; report the first entry whose hash or link is wrong, then hold
    the chain against the anchors kept outside the database (a rewritten or truncated chain)."""
    previous_hash = None
    checked = 0
    keyed_seen = False
    ring = keyring()
    prune_points = _prune_anchors()
    last = None
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if previous_hash is None:
            if entry.prev_hash != GENESIS_HASH and entry.prev_hash not in prune_points:
                return VerifyResult(False, checked, entry.pk, "its link to the entry before it is unknown")
        elif entry.prev_hash != previous_hash:
            return VerifyResult(False, checked, entry.pk, "it does not link to the entry before it")
        if entry.key_id:
            if entry.key_id != ring.audit_key_id:
                return VerifyResult(
                    False, checked, entry.pk, "it was made with an audit key not in the key ring"
                )
            keyed_seen = True
        elif keyed_seen:
            return VerifyResult(
                False, checked, entry.pk, "it is unkeyed after the chain was keyed (a forgery)"
            )
        if entry.compute_hash(ring.audit_key) != entry.entry_hash:
            return VerifyResult(False, checked, entry.pk, "its content does not match its hash")
        previous_hash = entry.entry_hash
        last = entry
        checked += 1
    if anchors_checked:
        from .anchors import check_against_anchors

        problem = check_against_anchors(last, ring)
        if problem is not None:
            broken_id, reason = problem
            return VerifyResult(False, checked, broken_id, reason)
    return VerifyResult(True, checked)


def prunes() -> list[dict]:
    """What each earlier prune recorded (the last entry it removed, by id and hash)."""
    details = AuditEntry.objects.filter(action=AuditEntry.Action.PRUNE).values_list("details", flat=True)
    return [d for d in details if isinstance(d, dict)]


def _prune_anchors() -> set:
    """Hashes of the last entries removed by earlier prunes: the chain may start from them."""
    return {d["last_pruned_hash"] for d in prunes() if d.get("last_pruned_hash")}


class RetentionError(ValueError):
    pass


def prune_before(cutoff: datetime.datetime, user: User | None = None) -> int:
    """Delete entries older than `cutoff`. Refuses a cutoff inside the retention period."""
    oldest_allowed = timezone.now() - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    if cutoff > oldest_allowed:
        raise RetentionError(
            f"Entries younger than {settings.AUDIT_RETENTION_DAYS} days are kept; "
            f"the latest cutoff allowed now is {oldest_allowed:%Y-%m-%d %H:%M}."
        )
    with transaction.atomic():
        _lock_chain()
        doomed = AuditEntry.objects.filter(at__lt=cutoff)
        last = doomed.order_by("-id").values("id", "entry_hash").first()
        if last is None:
            return 0
        count = doomed.count()
        # The queryset refuses delete(); pruning is the one sanctioned removal.
        doomed._raw_delete(doomed.db)
    record(
        AuditEntry.Action.PRUNE,
        user=user,
        details={
            "deleted": count,
            "before": cutoff.isoformat(),
            "last_pruned_id": last["id"],
            "last_pruned_hash": last["entry_hash"],
        },
    )
    return count


def note_keyring(user: User | None = None, reason: str = "") -> bool:
    """Record the key ring in the chain when it differs from the last recorded one (key ids and the
    active key, never key material). Keys change outside the database; the worker and the key
    commands call this so that every change shows in the log. Returns whether it recorded."""
    ring = keyring()
    state = {"active": ring.active_id, "keys": sorted(ring.keys), "audit_key": ring.audit_key_id}
    last = (
        AuditEntry.objects.filter(action=AuditEntry.Action.KEYS)
        .order_by("-id")
        .values_list("details", flat=True)
    ).first()
    if last and {k: last.get(k) for k in state} == state and not reason:
        return False
    record(AuditEntry.Action.KEYS, user=user, details={**state, **({"reason": reason} if reason else {})})
    return True
