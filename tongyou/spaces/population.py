"""The statistics bureau's resident population by street, town and district, year by year: the
denominator of the per-1,000 indicators (PS-01 nursery places per 1,000 population).

The office uploads the bureau's table as it comes (a title above the header is fine; columns by
name): 区划代码 (or 街道代码), 年份, 常住人口, optionally 来源. The file is read by the sandboxed
reader (`core.spreadsheets`); every row is checked before anything is written, and a refused file
names each fault by row. A year already held for an area is replaced (the bureau revises its
figures); the indicators computed from them are recomputed by the scheduler."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import require
from tongyou.core.spreadsheets import read_table
from tongyou.core.spreadsheets.cells import normalise_text
from tongyou.regions.models import Region

from .models import Population

if TYPE_CHECKING:
    from tongyou.accounts.models import User

COLUMNS = {
    "region": ("区划代码", "街道代码", "统计用区划代码"),
    "year": ("年份", "年度"),
    "population": ("常住人口", "常住人口数", "人口"),
    "source": ("来源", "数据来源"),
}
REQUIRED = ("region", "year", "population")
LARGEST_PLAUSIBLE = 5_000_000  # more than a district holds: a misplaced column or a typo
MAX_ROWS = 1_000


@dataclass(frozen=True)
class Figure:
    region: Region
    year: int
    population: int
    source: str


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    text = normalise_text(value)[0].replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() else None


def _area(code: str, areas: dict[str, Region]) -> Region | None:
    """The district or a street by its statistical code: 12 digits, or 6 (the county) or 9 (a
    street) as the bureau's tables often shorten them."""
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return None
    return areas.get(code.ljust(12, "0"))


def template(today: datetime.date | None = None) -> bytes:
    """The table to fill: one row per street and town and one for the district, last year."""
    from openpyxl import Workbook

    from tongyou.core.exports import workbook_bytes

    year = (today or timezone.localdate()).year - 1
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "常住人口"
    sheet.append(["区划代码", "名称", "年份", "常住人口", "来源"])
    for area in Region.objects.filter(level__lte=Region.Level.STREET).order_by("code"):
        sheet.append([area.code, area.name, year, None, ""])
    return workbook_bytes(book)


def check(rows: Any, positions: dict[str, int], today: datetime.date) -> tuple[list[Figure], list[str]]:
    """The figures of a table, and one message per fault (empty when all is well)."""
    areas = {r.code: r for r in Region.objects.filter(level__lte=Region.Level.STREET)}
    figures: list[Figure] = []
    errors: list[str] = []
    seen: dict[tuple[int, int], int] = {}
    for number, cells in rows:
        cells = list(cells) + [None] * (max(positions.values()) + 1 - len(cells))
        where = _("Row %(row)s") % {"row": number}
        code = normalise_text(cells[positions["region"]])[0]
        area = _area(code, areas)
        year = _whole_number(cells[positions["year"]])
        population = _whole_number(cells[positions["population"]])
        faults = []
        if area is None:
            faults.append(
                _("%(code)s is not the code of Yuquan District or one of its streets and towns")
                % {"code": code or "（空）"}
            )
        if year is None or not 2000 <= year <= today.year:
            faults.append(_("the year must be a whole year from 2000 to %(year)d") % {"year": today.year})
        if population is None or not 0 < population <= LARGEST_PLAUSIBLE:
            faults.append(_("the population must be a whole number of people above zero"))
        if area is not None and year is not None:
            first = seen.setdefault((area.pk, year), number)
            if first != number:
                faults.append(_("the same area and year are on row %(row)s too") % {"row": first})
        if faults:
            errors.append(f"{where}：{'，'.join(faults)}")
            continue
        assert area is not None and year is not None and population is not None
        source = normalise_text(cells[positions["source"]])[0] if "source" in positions else ""
        figures.append(Figure(area, year, population, source[:200]))
    if not figures and not errors:
        errors.append(_("The table has no rows below its header."))
    return figures, errors


def import_population(user: User, filename: str, content: bytes, today: datetime.date | None = None) -> int:
    """Record the bureau's figures, all or nothing; returns how many were recorded. Raises
    FileError for a file that cannot be read as a table, Refusal naming every fault otherwise."""
    require(user, "spaces.import_population")
    match, rows, _warnings = read_table(filename, content, COLUMNS, required=REQUIRED, max_rows=MAX_ROWS)
    figures, errors = check(rows, match.positions, today or timezone.localdate())
    if errors:
        raise Refusal([_("Nothing was recorded."), *errors])
    with transaction.atomic():
        for figure in figures:
            Population.objects.update_or_create(
                region=figure.region,
                year=figure.year,
                defaults={"population": figure.population, "source": figure.source or filename[:200]},
            )
        record(
            AuditEntry.Action.CREATE,
            user=user,
            object_type="spaces.Population",
            details={"file": filename[:100], "figures": len(figures)},
        )
    return len(figures)
