"""The background worker: widens alerts on schedule, sends the outboxes, escalates Code Adam,
purges ended alerts, escalates overdue harm reports, tells people of overdue application steps
and progress reports (every ten minutes), and finds imports a restart interrupted. It keeps no
state of its own: every decision is read from the database, so a restart (or two workers) loses
and repeats nothing."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.urls import get_resolver

from tongyou.alerts.services import delivery, publishing, venues
from tongyou.audit import anchors
from tongyou.audit.services import note_keyring
from tongyou.core import health
from tongyou.datahub.services.imports.pipeline import sweep_interrupted
from tongyou.monitoring.reports import remind
from tongyou.welfare.harm import escalate_overdue
from tongyou.welfare.workflow import notify_overdue

# Clocks told in days, not seconds: every ten minutes is enough, and each reminder is sent once
# (notifications are keyed by their event), so no cron is needed for them.
DAILY_CLOCKS_EVERY = 600
# The worker's heartbeat and the probes of the cache and the broker (core/health.py).
HEALTH_EVERY = 30


class Command(BaseCommand):
    help = "Run the background jobs every few seconds (or once, with --once, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between rounds")
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, **options):
        # Load every URL and the modules behind them now, not on the first alert (CAP messages
        # carry links): the first alert after a start would otherwise wait a second or more.
        get_resolver().url_patterns  # noqa: B018
        last_daily = last_health = 0.0
        while True:
            close_old_connections()
            if time.monotonic() - last_health >= HEALTH_EVERY:
                health.run_checks()
                note_keyring()  # a key ring changed on disk shows in the audit chain
                if anchors.anchor_due():
                    anchors.anchor()
                last_health = time.monotonic()
            widened = publishing.widen_due() + publishing.refresh_due()
            escalated = venues.escalate_due()
            delivery.resume_if_broker_back()  # the broker is back: what waits goes out now
            topics, deliveries = delivery.process()
            purged = publishing.purge_due()
            harm = escalate_overdue()
            sweep_interrupted()
            if time.monotonic() - last_daily >= DAILY_CLOCKS_EVERY:
                overdue_applications, reminded_units = notify_overdue(), remind()
                last_daily = time.monotonic()
                if options["verbosity"] > 1 or overdue_applications or reminded_units:
                    self.stdout.write(
                        f"overdue applications {overdue_applications}, units reminded {reminded_units}"
                    )
            if options["verbosity"] > 1 or any((widened, escalated, topics, deliveries, purged, harm)):
                self.stdout.write(
                    f"widened {len(widened)}, Code Adam escalated {len(escalated)}, topics {topics}, "
                    f"deliveries {deliveries}, purged {purged}, harm reports escalated {harm}"
                )
            if options["once"]:
                return
            time.sleep(options["interval"])
