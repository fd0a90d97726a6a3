"""Separation of duties (三员分立) and the audit of every account change.

- The system administrator (`admin`) creates accounts, sets their names, contacts and passwords,
  and manages units. They cannot give a role, a jurisdiction or a unit.
- The security administrator (`security_admin`) gives roles, jurisdictions and units, and approves
  them: a role acts only while it matches the grant they approved (`User.access_approved`). They
  cannot create accounts or set passwords, so they cannot log in as anyone.
- The audit administrator (`audit_admin`) reads the audit log, nothing else.

Nobody changes their own grant or approves themselves. A password an administrator sets suspends
the account's approval (the administrator knows it): the security administrator approves again
once the owner has it. Every account, grant, approval, password and second-factor change is a
hash-chained audit entry (the values of role, jurisdiction and unit are not personal data and are
logged; passwords never are)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.notifications import notify

from .models import User
from .roles import Role

GRANT_FIELDS = ("role", "jurisdiction", "unit")
TRACKED_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "is_active",
    "is_staff",
    "is_superuser",
    "supervisor",
    *GRANT_FIELDS,
)


class SelfGrant(PermissionError):
    """Nobody grants or approves anything for their own account."""


def security_admins() -> list:
    return [u for u in User.objects.filter(role=Role.SECURITY_ADMIN, is_active=True) if u.access_approved]


def tell_security_admins(user: User, why: str) -> None:
    notify(
        security_admins(),
        # One notice per account, grant and password (a digest: no part of the hash is copied).
        f"access-pending-{user.pk}-{user.grant}-{hashlib.sha256(user.password.encode()).hexdigest()[:12]}",
        _("Account %(username)s waits for your approval: %(why)s") % {"username": user.username, "why": why},
        url=f"/admin/accounts/user/{user.pk}/change/",
    )


def approve(user: User, approver: User) -> None:
    """The security administrator approves the account's current grant."""
    if approver.pk == user.pk:
        raise SelfGrant(_("Nobody can approve their own account."))
    if approver.role != Role.SECURITY_ADMIN or not approver.access_approved:
        raise PermissionError(_("Only a security administrator approves access."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.approved_grant = locked.grant
        locked.access_approved_by, locked.access_approved_at = approver, timezone.now()
        # The save's own audit entry (audit_change) says "approval: approved", by the approver.
        locked.save(update_fields=["approved_grant", "access_approved_by", "access_approved_at", "is_staff"])
    user.refresh_from_db()


def _grant_details(user: User) -> dict:
    return {"role": user.role, "jurisdiction": user.jurisdiction_id, "unit": user.unit_id}


def _values(user: User) -> dict:
    return {name: getattr(user, User._meta.get_field(name).attname) for name in TRACKED_FIELDS}  # type: ignore[union-attr]


def remember(sender: Any, instance: User, raw: bool = False, **kwargs: Any) -> None:
    """pre_save: what the account was, so the post_save entry can say what changed."""
    if raw:
        return
    instance.is_staff = instance.role in (Role.ADMIN, Role.SECURITY_ADMIN) and instance.access_approved
    instance.is_superuser = False  # superuser powers are never used (docs/security.md)
    old = User.objects.filter(pk=instance.pk).first() if instance.pk else None
    # Read by the post_save receiver below.
    before = (_values(old), old.password, old.approved_grant) if old else None
    instance._audit_before = before  # type: ignore[attr-defined]


def audit_change(sender: Any, instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """post_save: one chained entry per account change, naming what changed."""
    if raw:
        return
    from tongyou.audit.context import current_user

    actor = current_user()
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    before = getattr(instance, "_audit_before", None)
    after = _values(instance)
    if created or before is None:
        record(
            AuditEntry.Action.CREATE,
            user=actor,
            obj=instance,
            details={"account": "created", "grant": _grant_details(instance)},
        )
        if instance.role and not instance.access_approved:
            tell_security_admins(instance, _("new account"))
        return
    old_values, old_password, old_grant = before
    changed = sorted(name for name in TRACKED_FIELDS if old_values[name] != after[name])
    details: dict = {"account": "changed", "fields": changed}
    if any(name in changed for name in GRANT_FIELDS):
        details["grant_before"] = {n: old_values[n] for n in GRANT_FIELDS}
        details["grant_after"] = {n: after[n] for n in GRANT_FIELDS}
    if old_password != instance.password:
        details["password"] = (
            "set by the system"
            if actor is None
            else "set by the owner"
            if actor.pk == instance.pk
            else "set by an administrator"
        )
    if old_grant != instance.approved_grant:
        details["approval"] = "approved" if instance.access_approved else "withdrawn"
        if instance.access_approved:
            details["grant"] = _grant_details(instance)
    if len(details) == 2 and not changed:
        return  # a save that changed nothing tracked (last_login is the login entry's)
    record(AuditEntry.Action.UPDATE, user=actor, obj=instance, details=details)
    grant_changed = any(name in changed for name in GRANT_FIELDS)
    if (
        instance.role
        and not instance.access_approved
        and old_grant == instance.approved_grant
        and grant_changed
    ):
        tell_security_admins(instance, _("role, jurisdiction or unit changed"))


def suspend_for_password_reset(user: User) -> None:
    """An administrator is setting this account's password (saved by the caller, in the same
    audit entry): its approval waits for the security administrator, who confirms the owner has
    taken the account back."""
    user.approved_grant = ""


def password_reset_done(user: User) -> None:
    if user.role:
        tell_security_admins(user, _("password set by an administrator"))


def second_factor_removed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from tongyou.audit.context import current_user

    record(
        AuditEntry.Action.DELETE,
        user=current_user(),
        obj=instance,
        details={"second_factor": "removed", "user": instance.user_id},
    )
