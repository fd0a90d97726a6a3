from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongyou.privacy.keys import new_keyring_document


class Command(BaseCommand):
    help = "Create a key file (field-encryption key and blind-index key) if none exists."
    requires_system_checks: list[str] = []  # the check it would fail is the one it answers

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=settings.TONGYOU_KEY_FILE)
        parser.add_argument("--algorithm", choices=["aes-256-gcm", "sm4-gcm"], default="aes-256-gcm")
        parser.add_argument("--if-missing", action="store_true", help="do nothing if the file exists")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if path.exists():
            if options["if_missing"]:
                return
            raise CommandError(
                f"{path} exists; refusing to overwrite keys (that would make data unreadable)."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        document = new_keyring_document(options["algorithm"])
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
        self.stdout.write(
            self.style.SUCCESS(
                f"Keys written to {path} (mode 600). Back it up: without it the data cannot be read."
            )
        )
