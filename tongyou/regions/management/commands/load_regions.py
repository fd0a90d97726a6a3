from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongyou.regions.services import DATA_FILE, OfficialListError, load_official_communities, load_regions


class Command(BaseCommand):
    help = (
        "Load (or refresh) Yuquan District's region tree: streets, towns, communities, grids. "
        "With --official-list, apply the official community and village names from a CSV (code,name)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(DATA_FILE), help="region data file (JSON)")
        parser.add_argument("--official-list", help="CSV with columns code,name (12-digit codes)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["official_list"]:
            try:
                updated, created, unlisted = load_official_communities(options["official_list"])
            except OfficialListError as exc:
                for error in exc.errors:
                    self.stderr.write(f"line {error.line} ({error.code or '-'}): {error.message}")
                raise CommandError(str(exc)) from None
            self.stdout.write(self.style.SUCCESS(f"{updated} renamed, {created} added."))
            if unlisted:
                self.stdout.write(
                    f"{len(unlisted)} placeholder communities are not in the list (reassign their "
                    f"records, then remove them): {', '.join(unlisted)}"
                )
            return
        count = load_regions(options["file"])
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
