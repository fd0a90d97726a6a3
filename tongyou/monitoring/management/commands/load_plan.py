from django.core.management.base import BaseCommand, CommandError

from tongyou.accounts.services import UnknownUnit
from tongyou.monitoring.services import DATA_FILE, load_indicators, load_plan


class Command(BaseCommand):
    help = "Load the work plan's areas, tasks and measures with their units, and the indicator catalog."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--file", default=str(DATA_FILE))

    def handle(self, *args, **options):
        try:
            count = load_plan(options["file"])
        except UnknownUnit as exc:
            raise CommandError(
                f"The plan names a unit that is not loaded: '{exc}'. Run `manage.py load_reference` first."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"{count} plan tasks loaded."))
        self.stdout.write(self.style.SUCCESS(f"{load_indicators()} indicators loaded."))
