from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongyou.audit.anchors import anchor


class Command(BaseCommand):
    help = "Sign the audit chain's head and append it to the anchor file (the worker does so daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        body = anchor()
        if body is None:
            self.stdout.write("The audit log is empty: nothing to anchor.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Anchored entry #{body['id']} ({body['hash'][:12]}…)."))
