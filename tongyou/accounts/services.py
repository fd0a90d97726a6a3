"""Units of the plan, and resolving the plan's way of naming them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from tongyou.regions.models import Region

from .models import Unit

DATA_FILE = Path(__file__).parent / "data" / "units.json"
# "各镇办": every town government and street office (the industrial park's committee is neither).
ALL_STREET_OFFICES = ("各镇办",)
# "the relevant ones": not all of them — the office chooses which owe a report (PlanTask.chosen_units).
RELEVANT_ONES = ("全体相关单位", "各相关镇办", "各相关单位")


def names_a_choice(text: str) -> bool:
    """Whether a line of the plan leaves units for the office to choose ("全体相关单位", "各相关镇办")."""
    return any(name in RELEVANT_ONES for name in split_unit_list(text))


def street_office_name(region: Region) -> str:
    suffixes: dict[str, str] = {Region.Kind.TOWN: "人民政府", Region.Kind.ZONE: "管理委员会"}
    suffix = suffixes.get(region.kind, "办事处")
    return region.name + suffix


@transaction.atomic
def load_units(data_file: str | Path = DATA_FILE) -> Any:
    """Create or update every unit the plan names, and one office per street or town. Idempotent."""
    data = json.loads(Path(data_file).read_text(encoding="utf-8"))
    for entry in data["units"]:
        Unit.objects.update_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "kind": entry["kind"], "aliases": entry["aliases"]},
        )
    for region in Region.objects.filter(level=Region.Level.STREET):
        Unit.objects.update_or_create(
            code=f"office-{region.code[:9]}",
            defaults={
                "name": street_office_name(region),
                "kind": Unit.Kind.STREET_OFFICE,
                "region": region,
                "aliases": [region.name],
            },
        )
    return Unit.objects.count()


class UnknownUnit(ValueError):
    pass


def split_unit_list(text: str) -> list:
    """The names in a line such as '区卫健委、医保局，各镇办。', in order."""
    cleaned = text.strip().rstrip("。").replace("，", "、").replace(",", "、")
    return [part.strip() for part in cleaned.split("、") if part.strip()]


def resolve_unit_names(text: str) -> list:
    """Units named by a line of the plan. Group words expand to the units they stand for;
    an unknown name raises UnknownUnit naming it."""
    by_name = {}
    for unit in Unit.objects.all():
        for name in [unit.name, *unit.aliases]:
            by_name[name] = unit
    units: list[Unit] = []
    for name in split_unit_list(text):
        if name in RELEVANT_ONES:
            found = []  # the office chooses them for the task
        elif name in ALL_STREET_OFFICES:
            found = list(
                Unit.objects.filter(kind=Unit.Kind.STREET_OFFICE).exclude(region__kind=Region.Kind.ZONE)
            )
        else:
            named = by_name.get(name) or by_name.get(name.removeprefix("区"))
            if named is None:
                raise UnknownUnit(name)
            found = [named]
        units.extend(u for u in found if u not in units)
    return units
