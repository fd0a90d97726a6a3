"""Checking every row of a file against its source's columns. Nothing is written here."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongyou.core.scoping import jurisdiction_path
from tongyou.core.spreadsheets.cells import (
    INVISIBLE_CHARS,
    CellError,
    Confirm,
    YearMonth,
    check_against_id,
    code_text,
    is_blank,
    normalise_text,
    parse_choice,
    parse_date,
    parse_id_number,
    parse_name,
)
from tongyou.privacy.idnumbers import birth_date_of
from tongyou.regions.models import Region

from .sources import SEX_NAMES
from .staging import ROW_BITS, place_of, split_place

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.datahub.services.imports.sources import Column, SourceSpec

logger = logging.getLogger(__name__)
PARSED_KEPT = 200_000  # distinct cells remembered; beyond it, cells are parsed every time


ADULT_AGE = 18
PERSONAL_TEXT = {"name", "guardian", "guardian_phone"}  # other text (a school's name) repeats


@dataclass
class Problem:
    row: int
    column: str
    message: str
    severity: str = "error"  # "warning", or "confirm" (a warning the uploader must confirm)
    sheet: str = ""


def severity_of(warning: Any) -> str:
    return "confirm" if isinstance(warning, Confirm) else "warning"


REGION_FIELDS = ("pk", "code", "name", "level", "path")


def region_rows() -> list[tuple]:
    """The communities and grids as plain rows (REGION_FIELDS), for a check in a helper process."""
    return list(Region.objects.filter(level__gte=Region.Level.COMMUNITY).values_list(*REGION_FIELDS))


class RegionLookup:
    """Communities and grids of the district by code, and communities by unique name (also
    inside an address: 玉泉区兴隆巷社区12号楼). From the database, or from `rows` (region_rows())
    where there is none (a helper process)."""

    def __init__(self, rows: list[tuple] | None = None) -> None:
        if rows is None:
            regions = list(Region.objects.filter(level__gte=Region.Level.COMMUNITY))
        else:
            regions = [Region(**dict(zip(REGION_FIELDS, row, strict=True))) for row in rows]
        self.by_code = {r.code: r for r in regions}
        names: dict = {}
        for r in regions:
            if r.level == Region.Level.COMMUNITY:
                names.setdefault(normalise_text(r.name)[0], []).append(r)
        self.by_name = {n: rs[0] for n, rs in names.items() if len(rs) == 1}
        # Longest first, so 兴隆巷社区 is not taken for a shorter name it contains.
        self.names_by_length = sorted(self.by_name, key=len, reverse=True)

    def find(self, value: Any) -> tuple:
        """(region, warnings)."""
        text, _full = code_text(value)
        region = self.by_code.get(text) or self.by_name.get(text)
        if region is not None:
            return region, []
        found = [name for name in self.names_by_length if name in text]
        if found and all(name in found[0] for name in found):
            region = self.by_name[found[0]]
            return region, [_("The community %(name)s was read from the address.") % {"name": region.name}]
        raise CellError(
            _("'%(value)s' is not a community, village or grid of the district.") % {"value": text}
        )


class FileState:
    """What the check remembers across the rows and sheets of one file. A million rows are
    remembered as plain ints and strings (a row's place packed as sheet << 21 | row)."""

    def __init__(self, regions: RegionLookup | None = None) -> None:
        self.regions = regions or RegionLookup()
        self.seen: dict = {}  # ID number and fact identity → place
        self.people: dict[str, int] = {}  # ID number → hash of (name, sex, birth date) << 32 | place
        self.parsed: dict = {}
        self.sheets: list = []

    def place(self, sheet: str, row: Any) -> Any:
        if sheet not in self.sheets:
            self.sheets.append(sheet)
        return place_of(self.sheets.index(sheet), row)

    def where(self, place: int) -> str:
        index, row = split_place(place)
        return _where(self.sheets[index], row)


class RowChecker:
    """Checks one row at a time, so that a file of any length is checked in constant memory.
    `positions` maps column keys to their index in the row (from the header found). `check()`
    checks a row on its own (parsed values and problems: it may run in a helper process, see
    check_block); `check_repeats()` checks it against the rows before (in the file's order)."""

    def __init__(
        self,
        spec: SourceSpec,
        positions: Any,
        user: User | None,
        today: dt.date | None = None,
        sheet: str = "",
        state: Any = None,
        scope: str | None = None,
    ) -> None:
        self.spec = spec
        self.sheet = sheet
        self.today = today or timezone.localdate()
        self.positions = positions
        self.state = state or FileState()
        self.regions = self.state.regions
        self.scope = scope if scope is not None else (jurisdiction_path(user) if user else "") or "/nowhere/"
        self.parsed = self.state.parsed
        self.layout = [(c, self.positions.get(c.key)) for c in spec.columns]
        self.staged_columns = [(c.key, c.kind) for c in spec.columns]
        self.sheet_index = self.state.place(sheet, 0) >> ROW_BITS  # sheets numbered in the order read

    def problem(self, row: Any, column: str, message: str, severity: str = "error") -> Problem:
        return Problem(row, column, message, severity, self.sheet)

    def check(self, row_number: int, values: Any) -> tuple[dict, list]:
        parsed: dict = {}
        problems: list = []
        width = len(values)
        for column, position in self.layout:
            raw = values[position] if position is not None and position < width else None
            # Only a cell that starts with a space can be blank and still hold characters.
            if (
                raw is None
                or raw == ""
                or (
                    raw.__class__ is str and (raw[0].isspace() or raw[0] in INVISIBLE_CHARS) and is_blank(raw)
                )
            ):
                if column.required:
                    problems.append(
                        self.problem(row_number, column.header, _("This column must not be empty."))
                    )
                parsed[column.key] = None
                continue
            try:
                value, warnings = self._parse(column, raw)
            except CellError as exc:
                problems.append(self.problem(row_number, column.header, str(exc)))
                parsed[column.key] = None
                continue
            except Exception:  # a parser bug must name the cell, never stop the check
                logger.exception("Checking %s failed", column.key)
                problems.append(
                    self.problem(row_number, column.header, _("This value could not be read; check it."))
                )
                parsed[column.key] = None
                continue
            parsed[column.key] = value
            if warnings:
                problems += [
                    self.problem(row_number, column.header, str(w), severity_of(w)) for w in warnings
                ]
        spec = self.spec
        id_number = parsed.get("id_number")
        birth = parsed.get("birth_date")
        if isinstance(birth, YearMonth):
            if id_number and not check_against_id(id_number, birth):
                parsed["birth_date"] = birth_date_of(id_number)
                problems.append(
                    self.problem(
                        row_number,
                        spec.column("birth_date").header,
                        _("Only the month of birth was given; the day was taken from the ID number."),
                        "warning",
                    )
                )
            elif not id_number:
                parsed["birth_date"] = None
                problems.append(
                    self.problem(
                        row_number,
                        spec.column("birth_date").header,
                        _("The birth date has no day and there is no ID number to take it from."),
                    )
                )
        if id_number:
            for key, fault in check_against_id(id_number, parsed.get("birth_date"), parsed.get("sex")):
                problems.append(self.problem(row_number, spec.column(key).header, fault))
            problems += self._check_age(row_number, id_number, parsed)
        for key in ("residence", "household_region"):
            region = parsed.get(key)
            if region is not None and not region.path.startswith(self.scope):
                message = _("%(region)s is outside your jurisdiction.") % {"region": region.name}
                problems.append(self.problem(row_number, spec.column(key).header, message))
        if parsed.get("valid_from") and parsed.get("valid_to") and parsed["valid_to"] < parsed["valid_from"]:
            problems.append(
                self.problem(row_number, spec.columns[-1].header, _("The end date is before the start date."))
            )
        return parsed, problems

    def _check_age(self, row_number: int, id_number: str, parsed: Any) -> list[Problem] | list:
        """A child's source holds children: an adult's number (a parent's, typed in the wrong
        column) is refused, naming the age when the fact began."""
        day = parsed.get("valid_from") or self.today
        born_year = int(id_number[6:10])
        if day.year - born_year < ADULT_AGE:  # the common case, without building a date
            return []
        born = birth_date_of(id_number)
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if age < ADULT_AGE:
            return []
        message = _(
            "This ID number belongs to a person aged %(age)d on %(day)s, not a child: "
            "is it a parent's number?"
        ) % {"age": age, "day": day.isoformat()}
        return [self.problem(row_number, self.spec.column("id_number").header, message)]

    def check_repeats(self, row_number: int, parsed: Any) -> list:
        """The same child on several rows: fine for different facts (two vaccine doses, two
        categories), a fault for the same fact twice or for rows that disagree on who he is."""
        id_number = parsed.get("id_number")
        if not id_number:
            return []
        problems = []
        state = self.state
        place = place_of(self.sheet_index, row_number)
        person = hash((parsed.get("name"), parsed.get("sex"), parsed.get("birth_date"))) & 0xFFFFFFFF
        first = state.people.setdefault(id_number, person << 32 | place)
        if first & 0xFFFFFFFF != place and first >> 32 != person:
            problems.append(
                self.problem(
                    row_number,
                    self.spec.column("name").header,
                    _("The same ID number is on %(where)s with a different name, sex or birth date.")
                    % {"where": state.where(first & 0xFFFFFFFF)},
                )
            )
        identity = self.spec.fact_identity
        key: str | int = id_number
        if identity:  # an int, not a tuple or a string: a million of them stay small
            key = hash((id_number, *[parsed.get(k) for k in identity]))
        seen = state.seen.setdefault(key, place)
        if seen != place:
            where = state.where(seen)
            if identity:
                message = _("The same child and the same record are already on %(where)s.") % {"where": where}
            else:
                message = _("The same ID number is already on %(where)s.") % {"where": where}
            problems.append(self.problem(row_number, self.spec.column("id_number").header, message))
        return problems

    def _parse(self, column: Column, raw: Any) -> tuple:
        """Cells that repeat down a column (dates, choices, regions) are parsed once; the answer,
        or the fault, is the same on every row."""
        if column.kind == "id" or column.key in PERSONAL_TEXT:  # different on every row
            return _parse(column, raw, self.regions, self.today)
        key = (column.key, raw)
        known = self.parsed.get(key)
        if known is None:
            try:
                known = _parse(column, raw, self.regions, self.today)
            except CellError as exc:
                known = exc
            if len(self.parsed) < PARSED_KEPT:
                self.parsed[key] = known
        if isinstance(known, CellError):
            raise CellError(str(known))  # a fresh one: re-raising the same would grow its traceback
        return known


def _where(sheet: str, row: Any) -> str:
    if sheet:
        return _("sheet %(sheet)s, row %(row)d") % {"sheet": sheet, "row": row}
    return _("row %(row)d") % {"row": row}


def _parse(column: Column, raw: Any, regions: Any, today: dt.date) -> Any:
    if column.kind == "text":
        if column.key in ("name", "guardian"):
            return parse_name(raw)
        text, _full = normalise_text(raw)
        return text, []
    if column.kind == "id":
        return parse_id_number(raw, today=today)
    if column.kind == "date":
        value, warnings = parse_date(raw, allow_month=column.key == "birth_date")
        if not isinstance(value, YearMonth) and value > today:
            raise CellError(_("The date %(date)s is in the future.") % {"date": value.isoformat()})
        return value, warnings
    if column.kind == "sex":
        return parse_choice(raw, SEX_NAMES, _("sex"))
    if column.kind == "choice":
        return parse_choice(raw, column.choices, column.header)
    if column.kind == "region":
        return regions.find(raw)
    raise ValueError(column.kind)


# ---------------------------------------------------------------- a block of rows, anywhere


def block_setup(checker: RowChecker, language: str, token: str) -> dict[str, Any]:
    """What check_block needs to check rows as `checker` would, in plain values."""
    spec = checker.spec
    return {
        "token": token,  # one file's sheet: the checker is built once per token
        "source": spec.code,
        "positions": checker.positions,
        "today": checker.today,
        "sheet": checker.sheet,
        "sheet_index": checker.state.sheets.index(checker.sheet),
        "scope": checker.scope,
        "regions": region_rows(),
        "language": language,
        # What the rows must carry back for the checks against the file and the index.
        "kept": KEPT + [k for k in spec.fact_identity if k not in KEPT],
    }


KEPT = ["id_number", "id_number_index", "name", "sex", "birth_date"]
_checkers: dict[str, RowChecker] = {}


def check_block(setup: dict[str, Any], block: list[tuple[int, list]]) -> dict[str, Any]:
    """Rows checked each on its own: {"rows": [(row number, what the later checks need,
    [(column, message, severity)])], "staged": the block's rows encrypted as staged, or None
    when a row has an error (nothing will be committed)}. Plain values only: for a large file
    it runs in a helper process while the caller checks the rows against each other and the
    index (pipeline._check_rows); here for a small one."""
    from tongyou.privacy.blind_index import blind_index
    from tongyou.privacy.crypto import encrypt

    from ...models import ID_INDEX_PURPOSE, StagedRows
    from .sources import SOURCES
    from .staging import staged_row, staged_text

    translation.activate(setup["language"])
    checker = _checkers.get(setup["token"])
    if checker is None:
        while len(_checkers) >= 4:  # the files being checked now (threads of one process) are kept
            del _checkers[next(iter(_checkers))]
        state = FileState(RegionLookup(setup["regions"]))
        checker = _checkers[setup["token"]] = RowChecker(
            SOURCES[setup["source"]],
            setup["positions"],
            None,
            today=setup["today"],
            sheet=setup["sheet"],
            state=state,
            scope=setup["scope"],
        )
    keep = itemgetter(*setup["kept"])
    stage = staged_row(checker.staged_columns)
    index = setup["sheet_index"]
    rows, staged = [], []
    failed = False
    for row_number, values in block:
        parsed, problems = checker.check(row_number, values)
        id_number = parsed.get("id_number")
        parsed["id_number_index"] = blind_index(id_number, ID_INDEX_PURPOSE) if id_number else None
        found = []
        if problems:
            found = [(p.column, p.message, p.severity) for p in problems]
            failed = failed or any(p.severity == "error" for p in problems)
        if not failed:
            staged.append(stage(place_of(index, row_number), parsed))
        rows.append((row_number, keep(parsed), found))
    context = StagedRows._meta.get_field("rows")._context()
    return {"rows": rows, "staged": None if failed else encrypt(staged_text(staged), context)}
