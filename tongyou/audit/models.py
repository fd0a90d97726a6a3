"""The audit log: append-only and chained by a keyed hash (HMAC-SHA256, the key outside the
database), so that an edit or a deletion shows, and a rewrite with recomputed hashes needs a key
the database does not hold. Anchors written outside the database (audit/anchors.py) catch a
truncated tail."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries are removed only by `prune_audit`, after the retention period.")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("Log in")
        LOGIN_FAILED = "login_failed", _("Failed log in")
        LOGOUT = "logout", _("Log out")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        READ = "read", _("Read a record")
        LIST = "list", _("List or search")
        REVEAL = "reveal", _("Reveal a masked field")
        EXPORT = "export", _("Export")
        STATISTICS = "statistics", _("Statistics")
        BULK_LOAD = "bulk_load", _("Bulk load")
        PRUNE = "prune", _("Prune old entries")
        DENIED = "denied", _("Refused access")
        KEYS = "keys", _("Key ring change")
        ANCHOR = "anchor", _("Chain head anchored")

    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    # Which audit key made entry_hash ("" for the unkeyed SHA-256 of entries written before the
    # chain was keyed; after the first keyed entry, an unkeyed one is a forgery).
    key_id = models.CharField(max_length=12, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but the hashes themselves, in a fixed form."""
        body = [
            self.prev_hash,
            self.at.isoformat(timespec="microseconds"),
            self.actor_id,
            self.actor_username,
            self.actor_role,
            self.action,
            self.object_type,
            self.object_id,
            self.details,
            self.ip_address,
        ]
        return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def compute_hash(self, key: bytes | None = None) -> str:
        if not self.key_id:
            return hashlib.sha256(self.canonical()).hexdigest()
        if key is None:
            from tongyou.privacy.keys import keyring

            key = keyring().audit_key
        return hmac.new(key, self.canonical(), hashlib.sha256).hexdigest()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries are removed only by `prune_audit`, after the retention period.")
