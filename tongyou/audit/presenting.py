"""The audit log as people read it: the entry's details are stored as stable codes (they are part of
the hash chain), and shown here with Chinese labels — never as a raw Python dict."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LABELS: dict[str, str | Promise] = {
    "action": _("step"),
    "from": _("from"),
    "to": _("to"),
    "fields": _("fields"),
    "field": _("field"),
    "format": _("format"),
    "shown": _("records shown"),
    "rows": _("rows"),
    "decision": _("decision"),
    "status": _("status"),
    "reason": _("reason"),
    "account": _("account"),
    "grant": _("role and jurisdiction"),
    "grant_before": _("before"),
    "grant_after": _("after"),
    "password": _("password"),
    "approval": _("approval"),
    "page": _("page"),
    "verified": _("chain verified"),
    "period": _("period"),
    "region": _("region"),
    "quarter": _("quarter"),
    "drill": _("drill"),
    "published": _("published"),
    "ended": _("ended"),
    "corrected": _("corrected"),
    "updated": _("updated"),
    "radius_km": _("radius (km)"),
    "username": _("user name"),
    "old": _("before"),
    "new": _("after"),
}
VALUES: dict[str, str | Promise] = {
    "set by the system": _("set by the system"),
    "set by the owner": _("changed by its owner"),
    "set by an administrator": _("set by an administrator"),
    "created": _("created"),
    "changed": _("changed"),
    "approved": _("approved"),
    "withdrawn": _("withdrawn"),
    "True": _("yes"),
    "False": _("no"),
}


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return "；".join(f"{label(k)}：{_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    if value is None:
        return "—"
    shown = str(value)
    return str(VALUES.get(shown, shown))


def label(key: str) -> str:
    """The Chinese label of a detail's key; an unknown key is shown as the code it is."""
    return str(LABELS.get(key, key))


def describe(details: dict | None) -> list[tuple[str, str]]:
    return [(label(key), _text(value)) for key, value in (details or {}).items()]


def object_label(object_type: str) -> str:
    """'welfare.AllowanceApplication' → the model's name in the user's language."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type
