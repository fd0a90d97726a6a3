from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongyou.audit.services import note_keyring
from tongyou.privacy.keys import keyring
from tongyou.privacy.services import rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the active key. Add the new key to the key "
        "ring and make it active first; remove the old key only after this has run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Active key: {keyring().active_id} ({keyring().active.algorithm})")
        report = rotate_all(stdout=self.stdout)
        note_keyring(reason=f"re-encrypted {sum(report.values())} values under {keyring().active_id}")
        self.stdout.write(self.style.SUCCESS(f"Done: {sum(report.values())} values re-encrypted."))
