"""Loading the plan from the fixture derived from the seed text."""

import json
from pathlib import Path

from django.db import transaction

from tongyou.accounts.services import resolve_unit_names

from .models import Plan, PlanArea, PlanTask

DATA_FILE = Path(__file__).parent / "data" / "plan.json"


@transaction.atomic
def load_plan(data_file=DATA_FILE):
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
            count += 1
    return count
