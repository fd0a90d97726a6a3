from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongyou.core.backups import PASSPHRASE_VARIABLE, passphrase, restore
from tongyou.core.errors import Refusal


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database, then verify the audit chain and decrypt a field "
        f"(the restore drill). The passphrase comes from {PASSPHRASE_VARIABLE}."
    )
    # A new server has no key file until this restores it: the check would stop the restore.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("data", type=Path, help="the …data.tar.gpg file")
        parser.add_argument("keys", type=Path, help="the …keys.gpg file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore(options["data"], options["keys"], passphrase())
        except Refusal as exc:
            raise CommandError(str(exc)) from exc
        read = f"加密字段 {report.decrypted_field} 可解密" if report.decrypted_field else "尚无加密字段"
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 {report.tables} 张表；审计链完整（{report.audit_entries} 条已校验）；{read}。"
            )
        )
