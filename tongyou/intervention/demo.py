"""Demo data for graded intervention: a few cases opened through the real services by the demo
police officer and school, with measures, a 12355 referral, a review, and one closed and sealed
case (which no list shows)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tongyou.accounts.models import Unit, User
from tongyou.datahub.models import Child, Enrolment

from . import cases
from .models import Actor, Case, Grade, Referral


def load_demo_intervention() -> dict[str, int]:
    if Case.objects.exists():
        return {"cases": Case.objects.count()}
    today = timezone.localdate()
    police, school_staff = User.objects.get(username="police"), User.objects.get(username="school")
    school = Unit.objects.get(code="school-demo")
    teenagers = Child.objects.filter(
        birth_date__lte=today - dt.timedelta(days=365 * 13),
        birth_date__gt=today - dt.timedelta(days=365 * 17),
    ).order_by("pk")
    pupils = Child.objects.filter(
        pk__in=Enrolment.objects.filter(
            institution__in=cases.school_names(school), valid_to__isnull=True
        ).values("child_id"),
        birth_date__lte=today - dt.timedelta(days=365 * 9),
    ).order_by("pk")
    made = 0
    for child in teenagers[:2]:
        case = cases.open_case(
            police,
            child,
            Grade.SERIOUS,
            ["affray"],
            "（演示）结伙拦截同学索要财物",
            on=today - dt.timedelta(days=40),
        )
        cases.add_measure(police, case, Actor.POLICE, "reprimand", on=today - dt.timedelta(days=39))
        cases.add_measure(police, case, Actor.FAMILY, "stopped_supervised", on=today - dt.timedelta(days=38))
        cases.refer(police, case, Referral.To.COUNSELLING_12355, on=today - dt.timedelta(days=38))
        made += 1
    for child in pupils[:2]:
        case = cases.open_case(school_staff, child, Grade.MINOR, ["truancy"], "（演示）本学期多次旷课")
        cases.add_measure(school_staff, case, Actor.SCHOOL, "admonition")
        made += 1
    sealed_child = teenagers[2:3].first()
    if sealed_child is not None:
        case = cases.open_case(
            police, sealed_child, Grade.MINOR, ["internet"], on=today - dt.timedelta(days=200)
        )
        cases.review(police, case, "improving", on=today - dt.timedelta(days=100))
        cases.close(police, case, Case.Closure.CORRECTED)
        made += 1
    return {"cases": made}
