from django.core.management.base import BaseCommand

from tongyou.welfare.workflow import notify_overdue


class Command(BaseCommand):
    help = (
        "Tell the people responsible for overdue application steps, and their supervisors "
        "(run daily, e.g. from cron; each overdue step is notified once)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{notify_overdue()} applications overdue.")
