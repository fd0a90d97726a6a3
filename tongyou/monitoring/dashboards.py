"""The indicator dashboard's read model: for a user, a period and a region of their jurisdiction,
every indicator's value with its light and target, the same for each area one level down,
the plan areas' share of green, and the selected indicator's trend and street map. Values a
disclosure policy hides are hidden here (core/disclosure.py), never in the template."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tongyou.core import disclosure
from tongyou.core.scoping import scoped
from tongyou.regions.models import Region

from . import values
from .models import Indicator, IndicatorValue


def cells(indicators: Any, period: str, regions: Any, accepted_only: bool = True) -> dict:
    """{(indicator id, region id): value} preferring accepted computed values, then reports."""
    found = IndicatorValue.objects.filter(indicator__in=indicators, period=period, region__in=regions)
    if accepted_only:
        found = found.filter(state=IndicatorValue.State.ACCEPTED)
    by_key = {}
    for v in found.order_by("-source"):  # reported first, so computed values overwrite them
        by_key[(v.indicator_id, v.region_id)] = v
    return by_key


def hidden_from(policy: Any, value_row: Any) -> bool:
    """Whether the disclosure policy hides this value (persons counted too few; things never)."""
    return disclosure.reported_hidden(
        policy, value_row.indicator.counts_persons, value_row.numerator, value_row.denominator
    )


def board(
    user: Any, period: str, region: Region, *, selected_code: str = "PS-06", mine: bool = False
) -> dict:
    """Everything the dashboard page shows (without the navigation around it)."""
    year = int(period[:4])
    indicators = list(
        Indicator.objects.prefetch_related("targets", "tasks__area", "source_units").order_by("code")
    )
    if mine and user.unit_id:
        indicators = [i for i in indicators if user.unit in i.source_units.all()]
    children = list(region.children.order_by("code")) if region.level < Region.Level.COMMUNITY else []
    found = cells(indicators, period, [region, *children])
    policy = disclosure.Policy.for_user(user)
    rows: list[dict] = []
    chart: dict[str, list] = {"codes": [], "attainment": [], "colours": []}
    areas: dict[int, dict] = {}
    for indicator in indicators:
        cell = found.get((indicator.pk, region.pk))
        hidden = cell is not None and hidden_from(policy, cell)
        value = None if cell is None or hidden else cell.value
        colour, target = values.light(indicator, value, year)
        by_child = []
        for child in children:
            child_cell = found.get((indicator.pk, child.pk))
            child_hidden = child_cell is not None and hidden_from(policy, child_cell)
            child_value = None if child_cell is None or child_hidden else child_cell.value
            by_child.append((child, child_value, values.light(indicator, child_value, year)[0], child_hidden))
        rows.append(
            {
                "indicator": indicator,
                "cell": cell,
                "value": value,
                "hidden": hidden,
                "light": colour,
                "target": target,
                "by_child": by_child,
            }
        )
        for task in indicator.tasks.all():
            areas.setdefault(task.area.number, {"title": task.area.title, "lights": []})["lights"].append(
                colour
            )
        if value is not None and target is not None and target.value:
            chart["codes"].append(indicator.code)
            chart["attainment"].append(
                float(min(value / target.value, 1) * 100) if target.comparator == ">=" else 100
            )
            chart["colours"].append(colour)
    area_rows = [
        {
            "number": n,
            "title": a["title"],
            "green": a["lights"].count("green"),
            "total": len(a["lights"]),
        }
        for n, a in sorted(areas.items())
    ]
    selected = Indicator.objects.filter(code=selected_code).first() or indicators[0]
    trend = list(
        scoped(IndicatorValue.objects.filter(indicator=selected, region=region, state="accepted"), user)
        .order_by("period", "source")
        .values_list("period", "value")
    )
    street_values = {
        v.region.code: float(v.value)
        for v in IndicatorValue.objects.filter(
            indicator=selected, period=period, region__level=Region.Level.STREET, state="accepted"
        ).select_related("region", "indicator")
        if v.value is not None and region.contains(v.region) and not hidden_from(policy, v)
    }
    return {
        "children": children,
        "rows": rows,
        "area_rows": area_rows,
        "selected": selected,
        "indicators": indicators,
        "chart": {
            **chart,
            "trend": {
                "periods": [p for p, _v in trend],
                "values": [float(v) if v is not None else None for _p, v in trend],
            },
            "map": {"values": street_values, "name": selected.name, "unit": selected.unit},
            "boundaries": reverse("regions:boundaries"),
        },
    }


def ancestors(region: Region) -> list[Region]:
    codes = region.path.strip("/").split("/")
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes]
