from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tongyou.audit.services import RetentionError, prune_before


class Command(BaseCommand):
    help = "Remove audit entries older than a date. Refuses dates inside the retention period (180 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before", required=True, help="YYYY-MM-DD: entries before this day are removed")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = datetime.date.fromisoformat(options["before"])
        except ValueError:
            raise CommandError(f"--before must be a date as YYYY-MM-DD, not '{options['before']}'.") from None
        cutoff = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        try:
            count = prune_before(cutoff)
        except RetentionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{count} audit entries removed."))
