"""A service manager's health check for the background processes (Compose healthcheck, systemd
watchdog scripts): exits 0 when the worker or the scheduler has beaten recently, 1 otherwise."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongyou.core import health


class Command(BaseCommand):
    help = "Exit 0 if the named process (worker or scheduler) beat within the last three minutes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("process", choices=[health.WORKER, health.SCHEDULER])

    def handle(self, *args: Any, **options: Any) -> None:
        process = options["process"]
        ages = health.heartbeat_ages()
        state = health.process_state(process, ages)
        if state != "ok":
            raise CommandError(f"{process} silent" if state == "silent" else f"{process} never ran")
        self.stdout.write(f"{process} ok ({ages[process]:.0f} s)")
