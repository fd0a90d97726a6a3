"""The demo's birth registrations: the health commission's file of last month's births, imported
through the real pipeline by the demo health officer, so linkage has done its work — records
linked for certain, new children added, and possible duplicates waiting for the street officer,
one of them already merged and one kept apart. All synthetic."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from tongyou.accounts.models import User

from .codes import GuardianRelationship, Sex
from .models import Child, Guardian, ImportBatch, LinkReview, Source
from .services import reviews
from .services.imports import pipeline
from .services.imports.sources import SOURCES

STREET = "150104001000"  # the demo street officer's street (accounts/demo.py)
FILENAME = "（示意）卫健委出生登记.xlsx"
NEW_BABIES = (("赵一诺", "钱晓"), ("孙安然", "李芳"))


def births_workbook(rows: list[list[Any]]) -> bytes:
    """A health commission birth-registration file (the births source's columns) with `rows`."""
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in SOURCES["births"].columns])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _birth(name: str, sex: str, born: datetime.date, mother: str, community: str) -> list[str]:
    return [name, "", "男" if sex == Sex.MALE else "女", born.isoformat(), "汉族", mother, "", community]


def _infants(count: int) -> list[tuple[Child, str]]:
    """The street's youngest children who have a mother on record, with her name."""
    mothers = Guardian.objects.filter(relationship=GuardianRelationship.MOTHER)
    infants = (
        Child.objects.filter(residence_region__path__contains=f"/{STREET}/", guardians__in=mothers)
        .select_related("residence_region")
        .distinct()
        .order_by("-birth_date", "pk")[:count]
    )
    return [(child, mothers.filter(child=child)[0].name) for child in infants]


def _other_community(child: Child) -> str:
    """A neighbouring community in the same street: the registration gives another address."""
    own = child.residence_region.community_code
    return own[:9] + f"{int(own[9:]) % 9 + 1:03d}"


@transaction.atomic
def load_demo_linkage(options: Any = None) -> str:
    """Import the demo births once and decide two of the possible duplicates."""
    if ImportBatch.objects.filter(filename=FILENAME).exists():
        return "demo births already imported; nothing added"
    people = {u.username: u for u in User.objects.filter(username__in=["health", "street"])}
    infants = _infants(5)
    if len(people) < 2 or len(infants) < 5:
        return "demo accounts or children missing; nothing added"
    rows = []
    exact, *doubtful = infants
    child, mother = exact  # everything agrees: linked for certain
    home = child.residence_region.community_code
    rows.append(_birth(child.name, child.sex, child.birth_date, mother, home))
    for child, _mother in doubtful:  # the same name and day, another mother and address: a person decides
        rows.append(_birth(child.name, child.sex, child.birth_date, "周敏", _other_community(child)))
    born = timezone.localdate() - datetime.timedelta(days=20)
    for name, mother in NEW_BABIES:  # nobody like them in the index: new children
        rows.append(_birth(name, Sex.FEMALE, born, mother, STREET[:9] + "001"))
    births = Source.objects.get(code="births")
    batch = pipeline.preview(births, people["health"], FILENAME, births_workbook(rows))
    if batch.status != ImportBatch.Status.PREVIEWED:
        return f"demo births not imported: {batch.message}"
    pipeline.commit(batch, people["health"], confirmed=True)
    waiting = list(LinkReview.objects.filter(batch=batch).order_by("pk"))
    if waiting:
        reviews.merge(waiting[0], people["street"])
    if len(waiting) > 1:
        reviews.keep_apart(waiting[1], people["street"])
    Child.objects.filter(guardians__batch=batch).update(is_synthetic=True)
    Guardian.objects.filter(batch=batch).update(is_synthetic=True)
    batch.refresh_from_db()
    return (
        f"demo births: {batch.children_matched} linked, {batch.children_created} new, "
        f"{batch.reviews_created} possible duplicates (two decided, the rest waiting)"
    )
