from django.core.management.base import BaseCommand

from tongyou.regions.services import DATA_FILE, load_regions


class Command(BaseCommand):
    help = "Load (or refresh) Yuquan District's region tree: streets, towns, communities, grids."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA_FILE), help="region data file (JSON)")

    def handle(self, *args, **options):
        count = load_regions(options["file"])
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
