from django.core.management.base import BaseCommand, CommandError

from tongyou.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; names the first broken entry."

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit log broken at entry #{result.broken_id}: {result.reason} "
                f"({result.checked} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {result.checked} entries verified."))
