from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tongyou.monitoring.values import compute


class Command(BaseCommand):
    help = "Compute the registry-based indicators for a period (default: this year); run nightly from cron."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", default=None, help="2026 or 2026Q3 (default: the current year)")

    def handle(self, *args, **options):
        period = options["period"] or str(timezone.localdate().year)
        try:
            written = compute(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{written} values computed for {period}.")
