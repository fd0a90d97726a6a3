from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongyou.core.registry import registry


class Command(BaseCommand):
    help = "Load or update the reference data a real install needs (regions, units, plan, indicators…)."

    def handle(self, *args: Any, **options: Any) -> None:
        for loader in registry.ordered(registry.reference):
            self.stdout.write(f"{loader.description or loader.key}: {loader.run()}")
