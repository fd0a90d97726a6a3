"""Demo data for rehabilitation assistance: two designated institutions, this year's standards
(illustrative amounts: the district sets its own), the special register from the synthetic
master index, and applications in the demo directors' communities filed, approved, served and
settled through the real services by the demo accounts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tongyou.accounts.models import User
from tongyou.datahub.services.filters import years_before
from tongyou.regions.models import Region

from . import assistance, institutions, register
from .models import AidKind, Application, Category, Institution, Registration, Standard, Status

STANDARDS = {AidKind.TRAINING: "24000", AidKind.DEVICE: "6000", AidKind.SURGERY: "30000"}
INSTITUTIONS: list[tuple[str, list[str], list[str], int]] = [
    (
        "玉泉区残疾人康复服务中心",
        [c for c in Category.values if c != Category.OTHER],
        [AidKind.TRAINING, AidKind.DEVICE],
        40,
    ),
    (
        "呼和浩特市儿童康复医院（定点）",
        [Category.HEARING, Category.PHYSICAL, Category.AUTISM],
        AidKind.values,
        25,
    ),
]


def load_demo_rehabilitation() -> dict[str, int]:
    today = timezone.localdate()
    federation = User.objects.get(username="disability")
    district = Region.objects.get(code="150104000000")
    made = []
    for name, categories, aids, capacity in INSTITUTIONS:
        existing = Institution.objects.filter(name=name).first()
        made.append(
            existing
            or institutions.save_institution(
                federation,
                name=name,
                region=district,
                categories=list(categories),
                aid_kinds=list(aids),
                capacity=capacity,
                designated_until=dt.date(today.year + 2, 12, 31),
            )
        )
    for aid, amount in STANDARDS.items():
        if not Standard.objects.filter(year=today.year, aid_kind=aid).exists():
            assistance.set_standard(federation, today.year, aid, amount)
    registered = register.sync(today)
    filed = 0
    if not Application.objects.exists():
        for username in ("director", "director2"):
            director = User.objects.get(username=username)
            path = director.jurisdiction.path if director.jurisdiction else "-"
            candidates = Registration.objects.filter(
                child__residence_region__path__startswith=path, needs_rehabilitation=True
            ).exclude(category=Category.OTHER)
            for n, registration in enumerate(candidates.order_by("pk")[:6]):
                if registration.child.birth_date <= years_before(today, 18):
                    continue
                application = assistance.file(
                    director,
                    registration,
                    AidKind.TRAINING,
                    "监护人",
                    guardian_signed=True,
                    on=today - dt.timedelta(days=60 - 5 * n),
                )
                filed += 1
                if n % 3 == 2:
                    continue  # left waiting for the federation's review
                serving = next((i for i in made if registration.category in i.categories), None)
                if serving is None:
                    continue
                assistance.transition(
                    application, "approve", federation, institution=serving, on=application.filed_on
                )
                month = (application.approved_on or today).replace(day=1)
                if month < today.replace(day=1):
                    service = assistance.record_month(federation, application, month, 12, "2200")
                    assistance.settle(federation, service)
    waiting = Application.objects.filter(status=Status.SUBMITTED).count()
    return {"registered": registered, "filed": filed, "waiting": waiting}
