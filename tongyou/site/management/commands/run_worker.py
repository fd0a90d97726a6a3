"""The background worker: runs every job the apps register (core/registry.py), each on its own
schedule — alerts widened and delivered, harm reports escalated, reminders of overdue steps and
reports, interrupted imports finished, the services probed. It keeps no state of its own: every
decision is read from the database, so a restart (or two workers) loses and repeats nothing, and
no cron is needed for any app's clock."""

from __future__ import annotations

import logging
import time
from collections.abc import Sized
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection
from django.urls import get_resolver

from tongyou.core import health
from tongyou.core.registry import Job, registry

logger = logging.getLogger(__name__)


def amount(result: Any) -> int:
    """How much a job did, whatever it returns (a count, a list of what it did, or several)."""
    if isinstance(result, bool) or result is None:
        return int(bool(result))
    if isinstance(result, int):
        return result
    if isinstance(result, tuple):
        return sum(amount(part) for part in result)
    if isinstance(result, Sized):
        return len(result)
    return 1


HEARTBEAT_SECONDS = 20
# Which jobs each kind of process runs, and under which names it beats (core/health.py). Alerts
# run every round in the worker; a slow periodic job (an audit anchor, a reminder sweep) runs in the
# scheduler, so it can never hold an alert back. `make run` runs one process that does both.
PROCESSES = {
    "all": ((health.WORKER, health.SCHEDULER), lambda job: True),
    "realtime": ((health.WORKER,), lambda job: job.every <= 0),
    "scheduled": ((health.SCHEDULER,), lambda job: job.every > 0),
}


def run_job(job: Job) -> int:
    """Run one job; a failure is logged and the others still run (one app's bug must not stop
    alerts going out)."""
    try:
        return amount(job.run())
    except Exception:
        # A broken database connection is replaced at the next round (close_old_connections).
        logger.exception("worker job %s failed", job.key)
        return 0


class Command(BaseCommand):
    help = "Run the apps' background jobs every few seconds (or each once, with --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between rounds")
        parser.add_argument("--once", action="store_true", help="one round of every job, then stop")
        parser.add_argument("--job", action="append", default=[], help="only this job (repeatable)")
        parser.add_argument("--list", action="store_true", help="list the registered jobs and stop")
        parser.add_argument(
            "--only",
            choices=sorted(PROCESSES),
            default="all",
            help="realtime: the jobs that run every round (alerts, escalations) — the worker service; "
            "scheduled: the jobs with a period (reminders, anchors, checks) — the scheduler service",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        serves, wanted = PROCESSES[options["only"]]
        jobs = [job for job in registry.jobs.values() if wanted(job)]
        if options["list"]:
            for job in jobs:
                self.stdout.write(f"{job.key:<32} every {job.every:>5.0f} s  {job.description}")
            return
        if options["job"]:
            unknown = set(options["job"]) - registry.jobs.keys()
            if unknown:
                raise CommandError(f"unknown job(s): {', '.join(sorted(unknown))}")
            jobs = [job for job in jobs if job.key in options["job"]]
        # Load every URL and the modules behind them now, not on the first alert (CAP messages
        # carry links): the first alert after a start would otherwise wait a second or more.
        get_resolver().url_patterns  # noqa: B018
        if not options["once"]:
            self.stdout.write(
                f"Worker running {len(jobs)} jobs every {options['interval']:g} s or on their own "
                f"schedule ({', '.join(job.key for job in jobs)}); what they do is printed as it happens."
            )
        last_run: dict[str, float] = {}
        last_beat = -float(HEARTBEAT_SECONDS)
        while True:
            if not connection.in_atomic_block:  # (a test's transaction: nothing to refresh)
                close_old_connections()
            if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                run_job(Job("heartbeat", lambda: health.heartbeat(*serves), every=HEARTBEAT_SECONDS))
                last_beat = time.monotonic()
            done = {}
            for job in jobs:
                now = time.monotonic()
                if job.key in last_run and now - last_run[job.key] < job.every:
                    continue
                last_run[job.key] = now
                done[job.key] = run_job(job)
            if options["verbosity"] > 1 or any(done.values()):
                self.stdout.write(
                    ", ".join(f"{key} {n}" for key, n in done.items() if n or options["verbosity"] > 1)
                )
            if options["once"]:
                return
            time.sleep(options["interval"])
