"""Anchors: the chain's head, signed and written outside the database, so that removing the tail
of the log (or rewriting it with the key) is caught. Each anchor is one JSON line appended to
AUDIT_ANCHOR_FILE (production: a path on another machine's share or write-once storage), signed
with the audit key. The worker writes one every AUDIT_ANCHOR_HOURS; `manage.py anchor_audit`
writes one now; `verify_audit` holds the chain against every anchor."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tongyou.privacy.keys import keyring

from .models import AuditEntry


def _path() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def _canonical(body: dict) -> bytes:
    fields = {k: body[k] for k in ("id", "hash", "at", "anchored_at", "key_id")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _signature(body: dict, key: bytes) -> str:
    return hmac.new(key, b"tongyou audit anchor" + _canonical(body), hashlib.sha256).hexdigest()


def read_anchors() -> list[dict]:
    path = _path()
    if not path.exists():
        return []
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            body = json.loads(line)
            _canonical(body)
        except (ValueError, KeyError, TypeError):
            body = {"malformed": number}
        anchors.append(body)
    return anchors


def anchor(now: datetime.datetime | None = None) -> dict | None:
    """Append the current head of the chain to the anchor file; returns the anchor written."""
    from .services import record

    head = AuditEntry.objects.order_by("-id").values("id", "entry_hash", "at").first()
    if head is None:
        return None
    ring = keyring()
    body = {
        "id": head["id"],
        "hash": head["entry_hash"],
        "at": head["at"].isoformat(),
        "anchored_at": (now or timezone.now()).isoformat(),
        "key_id": ring.audit_key_id,
    }
    body["signature"] = _signature(body, ring.audit_key)
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(body, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    record(AuditEntry.Action.ANCHOR, details={"anchored_id": body["id"], "file": path.name})
    return body


def anchor_due(now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    anchors = [a for a in read_anchors() if "anchored_at" in a]
    if not anchors:
        return AuditEntry.objects.exists()
    last = parse_datetime(anchors[-1]["anchored_at"])
    return last is None or now - last >= datetime.timedelta(hours=settings.AUDIT_ANCHOR_HOURS)


def _pruned_up_to() -> int:
    from .services import prunes

    return max((d.get("last_pruned_id", 0) for d in prunes()), default=0)


def check_against_anchors(last: AuditEntry | None, ring: Any) -> tuple[int | None, str] | None:
    """None when the chain agrees with every anchor; else (entry id, what is wrong)."""
    pruned = _pruned_up_to()
    for body in read_anchors():
        if "malformed" in body:
            return (
                None,
                f"line {body['malformed']} of the anchor file is not an anchor (the file was altered)",
            )
        if not hmac.compare_digest(body.get("signature", ""), _signature(body, ring.audit_key)):
            return body["id"], "an anchor's signature is wrong (the anchor file was altered)"
        if body["id"] <= pruned:
            continue
        if last is None or body["id"] > last.id:
            end = f"#{last.id}" if last else "nothing"
            return body["id"], (
                f"the chain ends at {end}, but entry #{body['id']} was anchored on "
                f"{body['anchored_at'][:10]}: entries were removed from its end"
            )
        held = AuditEntry.objects.filter(pk=body["id"]).values_list("entry_hash", flat=True).first()
        if held is None:
            return body["id"], "an anchored entry is missing"
        if held != body["hash"]:
            return body["id"], f"it was rewritten after it was anchored on {body['anchored_at'][:10]}"
    return None
