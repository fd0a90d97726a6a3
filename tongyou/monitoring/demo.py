"""The demo's reporting round: this year's, due at year end, with the computed indicators filled in."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import ReportingRound
from .services import current_plan
from .values import compute


def open_demo_round(today: datetime.date | None = None) -> ReportingRound:
    """Open this year's round (if none) and compute this year's indicators; returns the round."""
    today = today or timezone.localdate()
    plan = current_plan()
    if plan is None:
        raise ValueError("no plan loaded: run load_reference first")
    reporting_round, _created = ReportingRound.objects.get_or_create(
        year=today.year, quarter=None, defaults={"deadline": datetime.date(today.year, 12, 31), "plan": plan}
    )
    compute(str(today.year), today)
    return reporting_round


@transaction.atomic
def load_demo_activity(options: Any = None, today: datetime.date | None = None) -> str:
    """Progress reports at every stage (accepted, returned, waiting for review, drafts) and
    published news, made through the real services by the demo accounts. Once."""
    from tongyou.accounts.models import User

    from . import reports
    from .models import NewsItem, ProgressReport

    reporting_round = ReportingRound.objects.filter(quarter=None).select_related("plan").first()
    if reporting_round is None or ProgressReport.objects.filter(round=reporting_round).exists():
        return "reports already present (or no round); nothing added"
    people = {u.username: u for u in User.objects.filter(username__in=["education", "health", "coordinator"])}
    if len(people) < 3:
        return "demo accounts missing; nothing added"
    coordinator = people.pop("coordinator")
    made = 0
    for unit_user, outcomes in (
        (people["education"], ("accept", "return")),
        (people["health"], ("submit", None)),
    ):
        unit = unit_user.unit
        assert unit is not None  # the demo's unit officers belong to units (accounts/demo.py)
        tasks = list(reports.tasks_of(unit, reporting_round.plan)[: len(outcomes)])
        for task, outcome in zip(tasks, outcomes, strict=False):
            report = reports.report_for(reporting_round, unit, task, unit_user)
            reports.save(report, unit_user, "on_track", "（示意）本年度已完成计划内容，详见附件。")
            made += 1
            if outcome is None:
                continue  # a draft
            reports.submit(report, unit_user)
            if outcome == "accept":
                reports.accept(report, coordinator, "（示意）材料完整")
            elif outcome == "return":
                reports.return_report(report, coordinator, "（示意）请补充新增学位数")
    NewsItem.objects.create(
        title="（示意）玉泉区召开儿童友好城市建设推进会",
        body="（示意）区妇儿工委办公室召集各成员单位，通报年度建设进展，部署下一阶段工作。",
        author=coordinator,
        published_at=timezone.now(),
    )
    return f"{made} progress reports (accepted, returned, waiting, draft) and a news item (all synthetic)"
