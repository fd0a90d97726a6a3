"""Checking every row of a file against its source's columns. Nothing is written here."""

import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.core.scoping import jurisdiction_path
from tongyou.regions.models import Region

from .cleaning import (
    CellError,
    check_against_id,
    is_blank,
    normalise_text,
    parse_choice,
    parse_date,
    parse_id_number,
)
from .sources import SEX_NAMES

PARSED_KEPT = 200_000  # distinct cells remembered; beyond it, cells are parsed every time


@dataclass
class Problem:
    row: int
    column: str
    message: str
    severity: str = "error"  # or "warning"


def _header_key(text):
    return unicodedata.normalize("NFKC", text or "").replace(" ", "").strip()


class RegionLookup:
    """Communities and grids of the district by code, and communities by unique name."""

    def __init__(self):
        regions = list(Region.objects.filter(level__gte=Region.Level.COMMUNITY))
        self.by_code = {r.code: r for r in regions}
        names = {}
        for r in regions:
            if r.level == Region.Level.COMMUNITY:
                names.setdefault(r.name, []).append(r)
        self.by_name = {n: rs[0] for n, rs in names.items() if len(rs) == 1}

    def find(self, value):
        text, _full = normalise_text(value)
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        region = self.by_code.get(text) or self.by_name.get(text)
        if region is None:
            raise CellError(
                _("'%(value)s' is not a community, village or grid of the district.") % {"value": text}
            )
        return region


class RowChecker:
    """Checks one row at a time, so that a file of any length is checked in constant memory.
    `file_error` and `header_problems` describe the header row; `check()` returns
    (parsed values or None, problems) for one row."""

    def __init__(self, spec, headers, user, today=None):
        self.spec = spec
        self.today = today or timezone.localdate()
        self.header_problems = []
        self.file_error = ""
        wanted = {_header_key(c.header): c for c in spec.columns}
        self.positions = {}
        for index, header in enumerate(headers):
            column = wanted.get(_header_key(header))
            if column:
                self.positions[column.key] = index
            elif header:
                message = _("Column '%(name)s' is not in the template and was ignored.") % {"name": header}
                self.header_problems.append(Problem(1, header, message, "warning"))
        missing = [c.header for c in spec.columns if c.required and c.key not in self.positions]
        if missing:
            self.file_error = _("Columns missing from the file: %(names)s.") % {"names": "、".join(missing)}
        self.regions = RegionLookup()
        self.scope = jurisdiction_path(user) or "/nowhere/"
        self.seen_ids = {}
        self.parsed = {}
        self.layout = [(c, self.positions.get(c.key)) for c in spec.columns]

    def check(self, row_number, values):
        parsed, problems = {}, []
        width = len(values)
        for column, position in self.layout:
            raw = values[position] if position is not None and position < width else None
            if is_blank(raw):
                if column.required:
                    problems.append(Problem(row_number, column.header, _("This column must not be empty.")))
                parsed[column.key] = None
                continue
            try:
                value, warnings = self._parse(column, raw)
            except CellError as exc:
                problems.append(Problem(row_number, column.header, str(exc)))
                continue
            parsed[column.key] = value
            if warnings:
                problems += [Problem(row_number, column.header, str(w), "warning") for w in warnings]
        spec = self.spec
        id_number = parsed.get("id_number")
        if id_number:
            for key, fault in check_against_id(id_number, parsed.get("birth_date"), parsed.get("sex")):
                problems.append(Problem(row_number, spec.column(key).header, fault))
            first = self.seen_ids.setdefault(id_number, row_number)
            if first != row_number:
                message = _("The same ID number is already on row %(row)d.") % {"row": first}
                problems.append(Problem(row_number, spec.column("id_number").header, message))
        for key in ("residence", "household_region"):
            region = parsed.get(key)
            if region is not None and not region.path.startswith(self.scope):
                message = _("%(region)s is outside your jurisdiction.") % {"region": region.name}
                problems.append(Problem(row_number, spec.column(key).header, message))
        if parsed.get("valid_from") and parsed.get("valid_to") and parsed["valid_to"] < parsed["valid_from"]:
            problems.append(
                Problem(row_number, spec.columns[-1].header, _("The end date is before the start date."))
            )
        has_error = any(p.severity == "error" for p in problems)
        return (None if has_error else parsed), problems

    def _parse(self, column, raw):
        """Cells that repeat down a column (dates, choices, regions) are parsed once; the answer,
        or the fault, is the same on every row."""
        if column.kind in ("text", "id"):  # different on every row: nothing to remember
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


def _parse(column, raw, regions, today):
    if column.kind == "text":
        text, _full = normalise_text(raw)
        return text, []
    if column.kind == "id":
        return parse_id_number(raw, today=today)
    if column.kind == "date":
        value, warnings = parse_date(raw)
        if value > today:
            raise CellError(_("The date %(date)s is in the future.") % {"date": value.isoformat()})
        return value, warnings
    if column.kind == "sex":
        return parse_choice(raw, SEX_NAMES, _("sex"))
    if column.kind == "choice":
        return parse_choice(raw, column.choices, column.header)
    if column.kind == "region":
        return regions.find(raw), []
    raise ValueError(column.kind)
