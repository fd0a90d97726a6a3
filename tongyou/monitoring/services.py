"""Loading the plan and the indicator catalog; revising the plan without losing history."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from tongyou.accounts.services import resolve_unit_names
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import require

from .models import Indicator, Plan, PlanArea, PlanSubItem, PlanTask, Target

if TYPE_CHECKING:
    from tongyou.accounts.models import User

DATA_FILE = Path(__file__).parent / "data" / "plan.json"
INDICATOR_FILE = Path(__file__).parent / "data" / "indicators.json"
# The plan numbers a task's measures （1）（2）…, full-width or not; its numbering has slips
# (a repeated （2）, a missing （3）), so the labels are kept exactly as written.
SUB_ITEM = re.compile(r"\s*([（(]\d+[）)])\s*")


def split_sub_items(text: str) -> list:
    """[(label, text)] of a task's numbered measures; [] when it has none."""
    parts = SUB_ITEM.split(text)
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]


def set_sub_items(task: PlanTask) -> None:
    task.sub_items.all().delete()
    PlanSubItem.objects.bulk_create(
        PlanSubItem(task=task, position=n, label=label, text=body)
        for n, (label, body) in enumerate(split_sub_items(task.text), start=1)
    )


@transaction.atomic
def load_plan(data_file: str | Path = DATA_FILE) -> int:
    """Create or update the plan, its areas and tasks, and link each task's units. Idempotent.
    Raises UnknownUnit if a task names a unit that is not loaded."""
    data = json.loads(Path(data_file).read_text(encoding="utf-8"))
    meta = data["plan"]
    plan, _ = Plan.objects.update_or_create(
        code=meta["code"], defaults={"title": meta["title"], "source": meta["source"]}
    )
    count = 0
    for a in data["areas"]:
        area, _ = PlanArea.objects.update_or_create(
            plan=plan, number=a["number"], defaults={"title": a["title"]}
        )
        for t in a["tasks"]:
            task, _ = PlanTask.objects.update_or_create(
                area=area,
                number=t["number"],
                defaults={
                    "title": t["title"],
                    "text": t["text"],
                    "lead_units_text": t["lead_units_text"],
                    "participating_units_text": t["participating_units_text"],
                },
            )
            task.lead_units.set(resolve_unit_names(t["lead_units_text"]))
            task.participating_units.set(resolve_unit_names(t["participating_units_text"]))
            set_sub_items(task)
            count += 1
    return count


@transaction.atomic
def load_indicators(data_file: str | Path = INDICATOR_FILE, plan: Plan | None = None) -> int:
    """Create or update the indicator catalog and link each indicator to the current plan's tasks.
    Idempotent; returns the number of indicators."""
    data = json.loads(Path(data_file).read_text(encoding="utf-8"))
    plan = plan or Plan.objects.filter(is_current=True).order_by("-revision").first()
    for item in data["indicators"]:
        indicator, _created = Indicator.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "name_en": item["name_en"],
                "numerator": item["numerator"],
                "denominator": item["denominator"],
                "unit": item["unit"],
                "factor": item["factor"],
                "disaggregations": item["disaggregations"],
                "source_units_text": item["source_units"],
                "collection": item["collection"],
                "frequency": item["frequency"],
                "direction": item["direction"],
                "calculator": item["calculator"],
                "counts_persons": item.get("counts_persons", True),
                "max_jump": Decimal(str(item["max_jump"])) if item["max_jump"] is not None else None,
            },
        )
        indicator.source_units.set(resolve_unit_names(item["source_units"]))
        if plan is not None:
            tasks = []
            for ref in item["tasks"]:
                area, number = (int(n) for n in ref.split("."))
                tasks.append(PlanTask.objects.get(area__plan=plan, area__number=area, number=number))
            indicator.tasks.set(tasks)
        indicator.targets.all().delete()
        Target.objects.bulk_create(
            Target(
                indicator=indicator,
                value=Decimal(str(t["value"])),
                comparator=t["comparator"],
                year=t["year"],
                basis=t["basis"],
            )
            for t in item["targets"]
        )
    return len(data["indicators"])


@transaction.atomic
def revise_plan(plan: Plan, code: str, title: str, user: User, source: str = "") -> Any:
    """A new revision of `plan`: areas, tasks, sub-items and units copied, indicators linked to the
    copies, the old plan kept (with its reports) but no longer current."""
    require(user, "monitoring.change_plan")
    revised = Plan.objects.create(
        code=code, title=title, source=source or plan.source, revision=plan.revision + 1, supersedes=plan
    )
    for area in plan.areas.all():
        new_area = PlanArea.objects.create(plan=revised, number=area.number, title=area.title)
        for task in area.tasks.all():
            new_task = PlanTask.objects.create(
                area=new_area,
                number=task.number,
                title=task.title,
                text=task.text,
                lead_units_text=task.lead_units_text,
                participating_units_text=task.participating_units_text,
            )
            new_task.lead_units.set(task.lead_units.all())
            new_task.participating_units.set(task.participating_units.all())
            set_sub_items(new_task)
            for indicator in task.indicators.all():
                indicator.tasks.add(new_task)
    plan.is_current = False
    plan.save(update_fields=["is_current"])
    record(AuditEntry.Action.CREATE, user=user, obj=revised, details={"supersedes": plan.code})
    return revised


def current_plan() -> Plan | None:
    return Plan.objects.filter(is_current=True).order_by("-revision").first()
