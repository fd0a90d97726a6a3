from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongyou.core.registry import DemoOptions, registry


class Command(BaseCommand):
    help = "Load the reference data (regions, units, plan…), then every app's demo data (once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=75_000, help="synthetic children (default 75000)")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument(
            "--as-of", default=None, help="YYYY-MM-DD the ages are counted at (default today)"
        )
        parser.add_argument("--force", action="store_true", help="add children even if some exist")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_ALLOWED:
            raise CommandError(
                "生产环境不能装入演示数据（演示账号的密码是公开的）。真实安装请用 "
                "`manage.py load_reference` 和 `manage.py create_security_admin`。"
            )
        for loader in registry.ordered(registry.reference):
            self.stdout.write(f"{loader.description or loader.key}: {loader.run()}")
        demo = DemoOptions(
            children=options["children"],
            seed=options["seed"],
            as_of=options["as_of"],
            force=options["force"],
            stdout=self.stdout,
        )
        for loader in registry.ordered(registry.demo):
            self.stdout.write(f"{loader.description or loader.key}: {loader.run(demo)}")
        self.stdout.write(self.style.SUCCESS("Demo ready."))
