"""Outages of the services Tongyou leans on, made visible instead of fatal.

Where children are at stake the platform fails safe, not closed: a public harm report or an alert
page must work with the cache or the broker down. Code that touches such a service wraps the call
in `degraded(service)`: the failure is recorded (a ServiceStatus row) and the caller goes on
without it. The worker checks each service every round and beats its own heart; every staff page
shows what is down (`problems()`, through the navigation context)."""

from __future__ import annotations

import contextlib
import datetime
import logging
import socket
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ServiceStatus

log = logging.getLogger(__name__)

CACHE = "cache"
BROKER = "broker"
WORKER = "worker"
SCHEDULER = "scheduler"
LABELS = {
    CACHE: _("Cache (Redis): rate limits are relaxed and import progress is not shown"),
    BROKER: _("Alert broker (MQTT): alerts wait in the outbox and go out when it is back"),
    WORKER: _("Background worker: alert widening, deliveries, reminders and escalations wait until it runs"),
    SCHEDULER: _(
        "Scheduler: reminders, overdue notices, audit anchors and service checks wait until it runs"
    ),
}
# The worker beats every round (seconds apart); silence this long means it is not running.
WORKER_SILENT_AFTER = datetime.timedelta(minutes=3)


def _store(name: str, ok: bool, detail: str = "") -> None:
    now = timezone.now()
    try:
        status, created = ServiceStatus.objects.get_or_create(
            name=name, defaults={"ok": ok, "detail": detail[:300], "checked_at": now}
        )
        if created:
            if not ok:
                ServiceStatus.objects.filter(pk=status.pk).update(failing_since=now)
            return
        changes = {"ok": ok, "checked_at": now}
        if not ok:
            changes["detail"] = detail[:300]
            if status.ok:
                changes["failing_since"] = now
        else:
            changes["failing_since"] = None
        ServiceStatus.objects.filter(pk=status.pk).update(**changes)
    except DatabaseError:  # the database is the one service we cannot report on in itself
        log.exception("could not record the status of %s", name)


def report_failure(name: str, error: BaseException | str) -> None:
    log.warning("%s unavailable: %s", name, error)
    _store(name, False, f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error)


def report_ok(name: str) -> None:
    _store(name, True)


@contextlib.contextmanager
def degraded(name: str) -> Any:
    """Run the block; if the service fails, record it and carry on without it."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 (any client error of any backend means "down")
        report_failure(name, exc)


def check_cache() -> bool:
    try:
        cache.set("tongyou:health", "1", 60)
        working = cache.get("tongyou:health") == "1"
    except Exception as exc:  # noqa: BLE001
        report_failure(CACHE, exc)
        return False
    (report_ok if working else lambda n: report_failure(n, "the probe value did not come back"))(CACHE)
    return working


def check_broker(timeout: float = 2.0) -> bool:
    url = urlparse(settings.MQTT_URL)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 1883), timeout=timeout):
            pass
    except OSError as exc:
        report_failure(BROKER, exc)
        return False
    report_ok(BROKER)
    return True


def heartbeat(*names: str) -> None:
    """A worker process says it is alive (as the worker, the scheduler, or both)."""
    for name in names or (WORKER,):
        report_ok(name)


def run_checks() -> None:
    """Try each service (the scheduler's job every half minute)."""
    check_cache()
    check_broker()


def problems(now: datetime.datetime | None = None) -> list[dict]:
    """What is down now, for the staff banner: a service that failed when last tried, or a worker
    that has gone silent (once one has ever run)."""
    now = now or timezone.now()
    found: list[dict] = []
    try:
        statuses = list(ServiceStatus.objects.all())
    except DatabaseError:
        return found
    for status in statuses:
        age = {status.name: (now - status.checked_at).total_seconds()}
        silent = status.name in (WORKER, SCHEDULER) and process_state(status.name, age) == "silent"
        if not status.ok or silent:
            found.append(
                {
                    "name": status.name,
                    "label": LABELS.get(status.name, status.name),
                    "since": status.failing_since or status.checked_at,
                }
            )
    return found


def heartbeat_ages(now: datetime.datetime | None = None) -> dict[str, float]:
    """Seconds since the worker and the scheduler last said they were alive (absent: never)."""
    now = now or timezone.now()
    beats = ServiceStatus.objects.filter(name__in=(WORKER, SCHEDULER))
    return {status.name: (now - status.checked_at).total_seconds() for status in beats}


def process_state(name: str, ages: dict[str, float] | None = None) -> str:
    """ "ok", "silent" (no beat for WORKER_SILENT_AFTER) or "never" for the worker or the scheduler:
    the one place that decides when a background process counts as stopped."""
    age = (heartbeat_ages() if ages is None else ages).get(name)
    if age is None:
        return "never"
    return "silent" if age > WORKER_SILENT_AFTER.total_seconds() else "ok"


def cache_answers() -> bool:
    """Whether the cache answers now, without recording anything (a readiness probe calls this
    every few seconds; the scheduler's service check is what records the cache's state)."""
    try:
        cache.get("tongyou:health")
    except Exception:  # noqa: BLE001 (any client error of any backend means "down")
        return False
    return True


def services_up() -> dict[str, float]:
    """1 for a service that answered when last tried, 0 for one that failed."""
    return {s.name: float(s.ok) for s in ServiceStatus.objects.filter(name__in=(CACHE, BROKER))}
