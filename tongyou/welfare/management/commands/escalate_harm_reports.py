from django.core.management.base import BaseCommand

from tongyou.welfare.harm import escalate_overdue


class Command(BaseCommand):
    help = "Flag harm reports whose response clock has run out (run every few minutes, e.g. from cron)."

    def handle(self, *args, **options):
        self.stdout.write(f"{escalate_overdue()} reports escalated.")
