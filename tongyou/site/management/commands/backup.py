from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongyou.core.backups import PASSPHRASE_VARIABLE, backup, passphrase
from tongyou.core.errors import Refusal


class Command(BaseCommand):
    help = (
        "Back up the database (with the audit anchors) and the key ring into two files, each encrypted "
        f"with the passphrase in {PASSPHRASE_VARIABLE}. Store the two apart."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="where to write the two files")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            files = backup(options["directory"], passphrase())
        except Refusal as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"数据：{files.data}\n密钥：{files.keys}（请与数据分开保存）"))
