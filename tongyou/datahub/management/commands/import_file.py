import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongyou.accounts.models import User
from tongyou.core.errors import Refusal
from tongyou.datahub.models import Source
from tongyou.datahub.services.imports.pipeline import commit, preview


class Command(BaseCommand):
    help = (
        "Check a department's file (and with --commit, import it all or nothing) as a named user, "
        "with the same rules as the web page. Problems are listed by row and column."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--source", required=True, help="education, insurance, disability, civil_affairs, household"
        )
        parser.add_argument(
            "--user", required=True, help="the uploader's username (their unit and jurisdiction apply)"
        )
        parser.add_argument("--commit", action="store_true", help="import if the file has no problems")
        parser.add_argument(
            "--confirmed",
            action="store_true",
            help="the rows marked 'confirm' (an ID number ending in 000…) were checked against the ID cards",
        )
        parser.add_argument("--show", type=int, default=50, help="how many problems to list")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            source = Source.objects.get(code=options["source"])
            user = User.objects.get(username=options["user"])
        except (Source.DoesNotExist, User.DoesNotExist) as exc:
            raise CommandError(str(exc)) from None
        try:
            batch = preview(source, user, path.name, path.read_bytes())
        except Refusal as exc:
            raise CommandError(str(exc)) from None
        if batch.status in (batch.Status.REFUSED, batch.Status.FAILED):
            raise CommandError(batch.message)
        self.stdout.write(
            f"Batch #{batch.pk}: {batch.total_rows} rows, {batch.valid_rows} ready, "
            f"{batch.error_count} problems, {batch.warning_count} warnings; "
            f"{batch.children_matched} children known, {batch.children_created} new."
        )
        if batch.error_count:
            report = json.loads(batch.report)
            shown = 0
            for entry in report["rows"]:
                for column, message, severity in entry["problems"]:
                    if severity == "error" and shown < options["show"]:
                        sheet = f"sheet {entry['sheet']}, " if entry.get("sheet") else ""
                        self.stdout.write(f"  {sheet}row {entry['row']}, {column}: {message}")
                        shown += 1
            raise CommandError("Nothing was imported: fix the problems and run again.")
        if not options["commit"]:
            self.stdout.write("Checked only; add --commit to import.")
            return

        def bar(done, total) -> None:
            width = 40
            filled = int(width * done / max(total, 1))
            sys.stdout.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stdout.flush()

        try:
            commit(batch, user, on_progress=bar, confirmed=options["confirmed"])
        except Refusal as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported batch #{batch.pk}: {batch.children_matched} children matched, "
                f"{batch.children_created} created."
            )
        )
