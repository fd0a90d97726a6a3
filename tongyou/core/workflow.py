"""What every state change shares: the second of two actors is told, never obeyed blindly.

A page shows a record in some state; the person clicks; by the time the request runs, someone
else may have moved the record on. Every transition (allowance applications, harm reports,
progress reports, alert cases; imports claim their batch the same way) therefore starts with
`current()`: inside the transition's transaction it reads the record again, locked until the
transaction ends (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions already let
one writer in at a time), and refuses with a `StaleState` naming who changed it to what when
its state is no longer the one the person acted on.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext as _

from .errors import Refusal


class StaleState(Refusal):
    """The record changed since the person saw it; the message says how, and to reload. A
    refusal like any other (the API answers it with 409)."""


def latest_actor(events) -> str:
    """The name of whoever made the latest of `events` (a record's history, each with an
    `actor`): the "who" of "X has already changed this"."""
    event = events.select_related("actor").order_by("-id").first()
    if event is None:
        return ""
    return event.actor.get_full_name() or event.actor.get_username()


def lock(instance: models.Model) -> models.Model:
    """`instance` read again and locked for the rest of the transaction, whatever its state."""
    model = type(instance)
    fresh = model._default_manager.select_for_update().get(pk=instance.pk)
    for field in model._meta.concrete_fields:
        setattr(instance, field.attname, getattr(fresh, field.attname))
    return instance


def current(
    instance: models.Model,
    state_field: str,
    seen: str | None = None,
    changed_by: Callable[[models.Model], str] | None = None,
) -> models.Model:
    """`instance` brought up to date and locked for the rest of the transaction. `seen` is the
    state the person acted on (a form's hidden field; default: the instance's as loaded).
    Raises StaleState when the record's state is no longer `seen`."""
    expected = seen if seen not in (None, "") else getattr(instance, state_field)
    lock(instance)
    now = getattr(instance, state_field)
    if now != expected:
        shown = getattr(instance, f"get_{state_field}_display", lambda: now)()
        who = changed_by(instance) if changed_by else ""
        if who:
            message = _("%(who)s has already changed this to '%(state)s'. Reload the page and look again.")
        else:
            message = _("This has already been changed to '%(state)s'. Reload the page and look again.")
        raise StaleState(message % {"who": who, "state": shown})
    return instance
