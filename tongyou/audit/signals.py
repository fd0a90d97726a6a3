"""Receivers that audit logins and every change to a personal record.

A model opts in with `audit_personal = True`. Only the names of changed fields
are logged, never their values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from .models import AuditEntry
from .services import record

if TYPE_CHECKING:
    from tongyou.accounts.models import User


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record(AuditEntry.Action.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    if user is not None:
        record(AuditEntry.Action.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(AuditEntry.Action.LOGIN_FAILED, request=request, user=None, details={"username": username})


def _is_personal(sender: Any) -> bool:
    return getattr(sender, "audit_personal", False)


@receiver(pre_save)
def _remember_changes(sender: Any, instance: Any, raw: Any = False, **kwargs: Any) -> None:
    if raw or not _is_personal(sender) or instance.pk is None:
        return
    try:
        old = sender._base_manager.get(pk=instance.pk)
    except sender.DoesNotExist:
        return
    instance._audit_changed = [
        f.name
        for f in sender._meta.concrete_fields
        if getattr(old, f.attname) != getattr(instance, f.attname)
    ]


@receiver(post_save)
def _saved(sender: Any, instance: Any, created: Any, raw: Any = False, **kwargs: Any) -> None:
    if raw or not _is_personal(sender):
        return
    if created:
        fields = [f.name for f in sender._meta.concrete_fields if f.name != "id"]
        record(AuditEntry.Action.CREATE, user=_current_user(), obj=instance, details={"fields": fields})
    else:
        changed = getattr(instance, "_audit_changed", None)
        record(
            AuditEntry.Action.UPDATE, user=_current_user(), obj=instance, details={"fields": changed or []}
        )


@receiver(post_delete)
def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if _is_personal(sender):
        record(AuditEntry.Action.DELETE, user=_current_user(), obj=instance)


def _current_user() -> Any:
    from .context import current_user

    return current_user()
