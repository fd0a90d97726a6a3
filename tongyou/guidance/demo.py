"""Demo data for family-education guidance: parent schools and guidance points in about half the
first street's communities, visits by the demo community child director to some families with a
follow-up, effect-survey answers, and a parent-school session. Through the real services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tongyou.accounts.models import User
from tongyou.community.activities import create_activity
from tongyou.community.models import Activity
from tongyou.regions.models import Region

from . import points, visits
from .models import GuidancePoint, SurveyResponse, Visit


def load_demo_guidance() -> dict[str, int]:
    today = timezone.localdate()
    street, director = User.objects.get(username="street"), User.objects.get(username="director")
    opened = 0
    if not GuidancePoint.objects.exists() and street.jurisdiction is not None:
        communities = Region.objects.filter(
            level=Region.Level.COMMUNITY, path__startswith=street.jurisdiction.path
        )
        for n, community in enumerate(communities.order_by("path")):
            if n % 2 == 0:
                points.open_point(
                    street,
                    name=f"{community.name}家长学校",
                    kind=GuidancePoint.Kind.PARENT_SCHOOL,
                    host=GuidancePoint.Host.COMMUNITY,
                    region=community,
                    opened_on=dt.date(today.year - 1, 9, 1),
                )
                opened += 1
    visited = 0
    if not Visit.objects.exists():
        for n, family in enumerate(visits.to_visit(director, today)[:8]):
            visits.record_visit(
                director,
                family,
                purpose=Visit.Purpose.ROUTINE,
                needs=["parenting"] if n % 2 else [],
                findings="（演示）家庭关系融洽" if n % 2 == 0 else "（演示）家长希望学习亲子沟通方法",
                follow_up="推荐参加社区家长学校" if n % 2 else "",
                follow_up_due=today + dt.timedelta(days=14) if n % 2 else None,
                on=today - dt.timedelta(days=3 * n),
            )
            if n % 3 == 0 and not SurveyResponse.objects.filter(household=family, year=today.year).exists():
                visits.answer_survey(
                    director,
                    family,
                    SurveyResponse.Helpful.SOMEWHAT,
                    SurveyResponse.Confidence.MORE,
                    ["parenting"],
                )
            visited += 1
    if not Activity.objects.filter(kind=Activity.Kind.PARENT_SCHOOL).exists() and director.jurisdiction:
        start = timezone.now().replace(hour=19, minute=0, second=0, microsecond=0) + dt.timedelta(days=7)
        create_activity(
            director,
            title="家长学校：如何与青春期孩子沟通",
            kind=Activity.Kind.PARENT_SCHOOL,
            region=director.jurisdiction,
            place="社区家长学校",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1, minutes=30),
            capacity=30,
        )
    return {"points": opened, "visits": visited}
