from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongyou.audit.anchors import read_anchors
from tongyou.audit.services import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit log: every entry's keyed hash and link, and the chain against the anchors "
        "kept outside the database (a rewritten or truncated log). Names the first problem."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            where = f"entry #{result.broken_id}" if result.broken_id else "the anchors"
            raise CommandError(
                f"Audit log broken at {where}: {result.reason} "
                f"({result.checked} entries verified before the problem was found)."
            )
        anchors = read_anchors()
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log intact: {result.checked} entries verified, held against {len(anchors)} anchors."
            )
        )
        if not anchors:
            self.stdout.write(
                self.style.WARNING("No anchors yet: a truncated tail would not show (run the worker).")
            )
