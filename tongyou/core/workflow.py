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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .errors import Refusal
from .scoping import can


class StaleState(Refusal):
    """The record changed since the person saw it; the message says how, and to reload. A
    refusal like any other (the API answers it with 409)."""


def latest_actor(events: Any) -> str:
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
    for concrete in model._meta.concrete_fields:
        setattr(instance, concrete.attname, getattr(fresh, concrete.attname))
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


@dataclass(frozen=True)
class Step:
    """One transition of a record: from which states, to which (None: the state stays, as when a
    live alert is updated), by which roles (empty: whoever the flow's permission admits), and
    whether it needs a reason. `not_from` says, for a state the step cannot start from, why;
    `otherwise` says it for every other such state."""

    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...] = ()
    needs_reason: bool = False
    reason_missing: str | Promise = ""
    not_from: Mapping[str, str | Promise] = field(default_factory=dict)
    otherwise: str | Promise = ""


@dataclass(frozen=True)
class Flow:
    """A record's state machine, declared as a table of steps; `start()` is the first line of
    every transition of that record. Inside the transition's transaction it locks the record and
    re-reads it (`current()`: a second actor is refused, naming who changed it), then checks the
    step is known, the user may act on this record (`permission`, jurisdiction included), the
    user's role may take the step, the record is in a state the step starts from, and a reason is
    given where one is needed — refusing in the user's language at the first that fails. What is
    particular to a domain (eligibility, clocks, notifications) follows in the domain's service.

    `permission`: checked against the record ("" when the domain checks its own first, as when a
    unit, not the record, decides). `outsider`: the refusal for a user the permission does not
    admit; None raises PermissionDenied (a 403 the audit log records) instead. `refuse_stale`:
    False where a second actor's step is decided on the record as the first left it, not refused
    for the change itself (a more urgent triage of a harm report always goes through)."""

    state_field: str
    permission: str
    steps: Mapping[str, Step]
    changed_by: Callable[[Any], str] | None = None
    outsider: str | Promise | None = None
    # "'%(action)s' is not possible while … is '%(state)s'", in the domain's words
    wrong_state: str | Promise | None = None
    refuse_stale: bool = True
    # Writes the record's own history row (an application event, a harm report's action…):
    # history(instance, action, user, note, previous_state, **event).
    history: Callable[..., Any] | None = None

    def roles(self) -> tuple[str, ...]:
        """Every role that takes some step: what the app's `rules.py` grants the permission to."""
        return tuple(sorted({role for step in self.steps.values() for role in step.roles}))

    def allowed(self, instance: models.Model, user: Any) -> list[str]:
        """The steps `user` may take now (the buttons a page shows)."""
        state = getattr(instance, self.state_field)
        role = getattr(user, "role", None)
        if self.permission and not can(user, self.permission, instance):
            return []
        return [
            name
            for name, step in self.steps.items()
            if state in step.sources and (not step.roles or role in step.roles)
        ]

    def start(
        self, instance: models.Model, action: str, user: Any, *, reason: str = "", seen: str | None = None
    ) -> Step:
        """Lock `instance` and check `action` by `user` may run now; returns its step or refuses.
        Must run inside the transition's transaction (the lock holds until it ends)."""
        step = self.steps.get(action)
        if step is None:
            raise Refusal(_("Unknown action '%(action)s'.") % {"action": action})
        if self.refuse_stale:
            current(instance, self.state_field, seen=seen, changed_by=self.changed_by)
        else:
            lock(instance)
        if self.permission and not can(user, self.permission, instance):
            if self.outsider is None:
                raise PermissionDenied
            raise Refusal(self.outsider)
        if step.roles and getattr(user, "role", None) not in step.roles:
            raise Refusal(_("Your role may not do '%(action)s'.") % {"action": action})
        state = getattr(instance, self.state_field)
        if state not in step.sources:
            shown = getattr(instance, f"get_{self.state_field}_display", lambda: state)()
            template = self.wrong_state or _("'%(action)s' is not possible while this is '%(state)s'.")
            raise Refusal(
                step.not_from.get(state)
                or step.otherwise
                or str(template) % {"action": action, "state": shown}
            )
        if step.needs_reason and not reason.strip():
            raise Refusal(
                step.reason_missing or _("A reason is required for '%(action)s'.") % {"action": action}
            )
        return step

    def move(self, instance: models.Model, step: Step, **fields: Any) -> None:
        """Put `instance` in the step's target state (if it has one) with `fields`, and save."""
        if step.target is not None:
            setattr(instance, self.state_field, step.target)
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.save()

    def finish(
        self,
        instance: models.Model,
        step: Step,
        action: str,
        user: Any,
        note: str = "",
        event: dict[str, Any] | None = None,
        **fields: Any,
    ) -> None:
        """The end of every transition: the move (`fields` too), the record's history row, and
        one audit entry naming the action and the states (never the note: it may name people).
        What a domain tells whom follows, after the commit, in the domain's service."""
        from tongyou.audit.models import AuditEntry
        from tongyou.audit.services import record

        previous = getattr(instance, self.state_field)
        self.move(instance, step, **fields)
        now = getattr(instance, self.state_field)
        if self.history is not None:
            self.history(instance, action, user, note.strip(), previous, **(event or {}))
        record(
            AuditEntry.Action.UPDATE,
            user=user,
            obj=instance,
            details={"action": action, "from": str(previous), "to": str(now)},
        )
