from django.core.management.base import BaseCommand

from tongyou.monitoring.reports import remind


class Command(BaseCommand):
    help = (
        "Remind units of progress reports due soon and tell units and coordinators of overdue ones "
        "(run daily, e.g. from cron; each reminder is sent once)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{remind()} units told.")
