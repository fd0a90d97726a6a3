"""The children's counting columns, held in memory as NumPy arrays, for statistics.

A pivot in SQL reads every child each time (0.4 s for a million in SQLite); over columns already
in memory it is a few comparisons and one bincount (benchmarks/statistics.py). The columns are
read once per process and read again when `CountsVersion` has changed: every save or delete of
a child or of one of its facts changes it (signals), and so does every bulk write
(`counts_changed()` after an import, the synthetic district). Scoping is the same rule as
`scoped()`: the user's jurisdiction, for users whose role may aggregate children."""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connections, router

from tongyou.core.disclosure import Signature
from tongyou.core.signals import records_written
from tongyou.regions.models import Region

from ..codes import AGE_BANDS
from ..models import Child, CountsVersion, Disability, Enrolment, InsuranceEnrolment, StatusPeriod
from .filters import ChildFilter, years_before

COUNTED_MODELS = (Child, StatusPeriod, InsuranceEnrolment, Enrolment, Disability)
NO_END = datetime.date.max.toordinal() + 1
REGION_DEPTH = {"street": 1, "community": 2}  # position of the code in a region path


def counts_changed(*args: Any, **kwargs: Any) -> None:
    """Children or their facts changed: statistics read them again (a signal receiver too).
    A plain UPDATE: every save of a child pays it, and the ORM's would cost 20 times more."""
    connection = connections[router.db_for_write(CountsVersion)]
    table = connection.ops.quote_name(CountsVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = %s WHERE id = 1", [uuid.uuid4().hex])  # noqa: S608
        if cursor.rowcount == 0:
            CountsVersion.objects.update_or_create(pk=1, defaults={"value": uuid.uuid4().hex})


def bulk_written() -> None:
    """Children or facts went in without model signals (an import, the synthetic district): the
    statistics read them again, and the indicators computed from them are marked."""
    counts_changed()
    for model in COUNTED_MODELS:
        records_written.send(sender=model)


def counts_version() -> str:
    """The version, read on every count: a plain SELECT (the ORM's query costs ten times more and
    was a sixth of a pivot at 200,000 children, benchmarks/statistics.py)."""
    connection = connections[router.db_for_read(CountsVersion)]
    table = connection.ops.quote_name(CountsVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else ""


@dataclass
class FactColumns:
    child: np.ndarray  # position of the child in ChildColumns
    start: np.ndarray  # ordinal days
    end: np.ndarray  # ordinal days; NO_END when open
    code: np.ndarray  # index into `codes`
    codes: list

    def holding(self, day: datetime.date) -> np.ndarray:
        """A boolean per fact: does it hold on `day`?"""
        ordinal = day.toordinal()
        return (self.start <= ordinal) & (self.end >= ordinal)


def _coded(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    codes = sorted(set(values))
    index = {c: i for i, c in enumerate(codes)}
    return np.fromiter((index[v] for v in values), dtype=np.int16, count=len(values)), codes


class ChildColumns:
    """Every child's region, birth date, sex and ethnicity, and the facts statistics filter on,
    with the region tree read at the same version (a change of regions changes the version)."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.regions = RegionCodes()
        # Columns derived from these for a pivot (a child's street, its age band on a day),
        # computed on first use: a pivot then gathers nothing but its mask.
        self._derived: dict[tuple, Any] = {}
        rows = list(
            Child.objects.order_by("pk").values_list(
                "pk", "residence_region_id", "birth_date", "sex", "ethnicity"
            )
        )
        count = len(rows)
        self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=count)
        self.region = np.fromiter((r[1] for r in rows), dtype=np.int64, count=count)
        self.birth = np.fromiter((r[2].toordinal() for r in rows), dtype=np.int32, count=count)
        self.sex, self.sex_codes = _coded([r[3] for r in rows])
        self.ethnicity, self.ethnicity_codes = _coded([r[4] for r in rows])
        del rows
        self.regions.note_children(self.region)
        self.facts = {
            "status": self._facts(StatusPeriod, "status"),
            "insured": self._facts(InsuranceEnrolment, None),
            "enrolment": self._facts(Enrolment, "institution_kind"),
            "disability": self._facts(Disability, None),
        }

    def _facts(self, model: Any, code_field: str | None) -> FactColumns:
        fields = ["child_id", "valid_from", "valid_to"] + ([code_field] if code_field else [])
        rows = list(model.objects.order_by("valid_from", "pk").values_list(*fields))
        child_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        positions = np.minimum(np.searchsorted(self.ids, child_ids), max(len(self.ids) - 1, 0))
        if len(self.ids):
            # A child added while these were read has no column yet: its facts wait for the next read.
            known = self.ids[positions] == child_ids
            rows = [r for r, ok in zip(rows, known, strict=True) if ok]
            positions = positions[known]
        code, codes = _coded([r[3] if code_field else "" for r in rows])
        return FactColumns(
            child=positions.astype(np.int64),
            start=np.fromiter((r[1].toordinal() for r in rows), dtype=np.int32, count=len(rows)),
            end=np.fromiter(
                (r[2].toordinal() if r[2] else NO_END for r in rows), dtype=np.int32, count=len(rows)
            ),
            code=code,
            codes=codes,
        )

    def derived(self, key: tuple, compute: Any) -> Any:
        """`compute()`, kept under `key` for this version (two threads may both compute it once:
        the same answer). Day-dependent entries beyond a few days are dropped, oldest first."""
        value = self._derived.get(key)
        if value is None:
            value = self._derived[key] = compute()
            dated = [k for k in list(self._derived) if k[0] == "day"]
            for stale in dated[:-DATED_KEPT]:
                self._derived.pop(stale, None)
        return value

    def region_level(self, depth: int) -> tuple[np.ndarray, list[str]]:
        """(each child's street or community as an index, the codes)."""

        def compute() -> tuple[np.ndarray, list[str]]:
            lookup, codes = self.regions.level(depth)
            return lookup[self.region], codes

        return self.derived(("level", depth), compute)

    def holders(self, name: str, day: datetime.date, code: str | None = None) -> np.ndarray:
        """A boolean per child: does a fact of `name` (with `code`, if given) hold on `day`?"""
        facts = self.facts[name]
        hold = facts.holding(day)
        if code is not None:
            hold &= facts.code == (facts.codes.index(code) if code in facts.codes else -1)
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[facts.child[hold]] = True
        return mask


DATED_KEPT = 16  # day-dependent derived columns kept (today's, and a few other days asked for)
_cache: dict = {}
_lock = threading.Lock()
logger = logging.getLogger(__name__)


def child_columns() -> ChildColumns:
    """The columns as of the current counts version, read now if they are not (the benchmark
    and the tests; pages use `fresh_columns`)."""
    version = counts_version()
    columns = _cache.get("columns")
    if columns is None or columns.version != version:
        with _lock:
            columns = _cache.get("columns")
            if columns is None or columns.version != version:
                columns = _cache["columns"] = ChildColumns(version)
    return columns


def fresh_columns() -> ChildColumns | None:
    """The columns if they are current; otherwise None, and they are read again in the background
    (DATAHUB_STATISTICS_READ_IN_BACKGROUND), so that a page never waits longer than a database
    count: reading a million children takes seconds, counting them in SQL well under one."""
    if not settings.DATAHUB_STATISTICS_READ_IN_BACKGROUND:
        return child_columns()
    columns = _cache.get("columns")
    if columns is not None and columns.version == counts_version():
        return columns
    _start_reading()
    return None


def _start_reading() -> None:
    if _lock.locked():
        return  # already being read
    threading.Thread(target=_read_in_background, name="tongyou-statistics-columns", daemon=True).start()


def _read_in_background() -> None:
    try:
        child_columns()
    except Exception:
        logger.exception("Reading the statistics columns failed; statistics count in the database.")
    finally:
        connections.close_all()


class RegionCodes:
    """Street and community codes by region id, as arrays indexed by the id, and the names, read
    once with the columns (region changes change the counts version: apps.py)."""

    def __init__(self) -> None:
        regions = list(Region.objects.values_list("pk", "path", "code", "name"))
        self.size = max((r[0] for r in regions), default=0) + 1
        self.paths = {pk: path for pk, path, _code, _name in regions}
        self.names = {code: name for _pk, _path, code, name in regions}
        self.populated = np.zeros(self.size, dtype=bool)  # regions where some child lives
        self._levels: dict[int, tuple[np.ndarray, list[str]]] = {}
        self._under: dict[str, np.ndarray] = {}

    def note_children(self, region_column: np.ndarray) -> None:
        # A region added between reading the regions and the children (the version has moved on,
        # so the next count reads both again): size the lookups to hold it meanwhile.
        if len(region_column) and int(region_column.max()) >= self.size:
            self.size = int(region_column.max()) + 1
            self.populated = np.zeros(self.size, dtype=bool)
        self.populated[np.unique(region_column)] = True

    def covers_everyone(self, inside: np.ndarray) -> bool:
        """Whether a region lookup takes in every region where children live (a district-wide
        reader): then no child needs testing."""
        return bool(inside[self.populated].all())

    def under(self, path: str) -> np.ndarray:
        """A boolean per region id: is it `path` or below? (the rule of `scoped()`)"""
        inside = self._under.get(path)
        if inside is None:
            inside = np.zeros(self.size, dtype=bool)
            inside[[pk for pk, p in self.paths.items() if p.startswith(path)]] = True
            self._under[path] = inside
        return inside

    def level(self, depth: int) -> tuple[np.ndarray, list[str]]:
        """(array: region id → code index, the codes); "" where a region is above that level."""
        if depth not in self._levels:
            self._levels[depth] = self._level(depth)
        return self._levels[depth]

    def _level(self, depth: int) -> tuple[np.ndarray, list[str]]:
        codes = sorted(
            {p.strip("/").split("/")[depth] for p in self.paths.values() if p.count("/") > depth + 1}
        )
        codes.append("")
        index = {c: i for i, c in enumerate(codes)}
        lookup = np.full(self.size, len(codes) - 1, dtype=np.int32)
        for pk, path in self.paths.items():
            if path.count("/") > depth + 1:
                lookup[pk] = index[path.strip("/").split("/")[depth]]
        return lookup, codes

    def inside(self, region_ids: Any) -> np.ndarray:
        """A boolean per region id: is it one of `region_ids`? (already one: returned as it is)"""
        if isinstance(region_ids, np.ndarray) and region_ids.dtype == bool:
            return region_ids
        inside = np.zeros(self.size, dtype=bool)
        inside[list(region_ids)] = True
        return inside

    def member(self, region_column: np.ndarray, region_ids: Any) -> np.ndarray:
        """A boolean per child: does it live in one of `region_ids`? (a lookup, not a search)"""
        return self.inside(region_ids)[region_column]

    def ids_within(self, code: str) -> list[int]:
        return [pk for pk, path in self.paths.items() if f"/{code}/" in path]


def _dimension(columns: ChildColumns, dimension: str, as_of: datetime.date) -> tuple:
    """(an index per child, the keys the indexes stand for), as the SQL pivot keys them."""
    if dimension in REGION_DEPTH:
        return columns.region_level(REGION_DEPTH[dimension])
    if dimension in ("age_band", "insured", "disability", "enrolment"):
        return columns.derived(("day", as_of, dimension), lambda: _dated_dimension(columns, dimension, as_of))
    if dimension == "sex":
        return columns.sex, columns.sex_codes
    if dimension == "ethnicity":
        return columns.ethnicity, columns.ethnicity_codes
    raise ValueError(dimension)


def _dated_dimension(columns: ChildColumns, dimension: str, as_of: datetime.date) -> tuple:
    if dimension == "age_band":
        # The bands meet end to end: one binary search per child over the birth-date edges
        # (oldest first). Before the oldest band, or born after `as_of`, is "18+", as in SQL.
        bands = sorted(AGE_BANDS, key=lambda band: -band[1])
        edges = [years_before(as_of, bands[0][2] + 1).toordinal()]
        edges += [years_before(as_of, lo).toordinal() for _label, lo, _hi in bands]
        labels = ["18+", *(label for label, _lo, _hi in bands), "18+"]
        return np.searchsorted(np.array(edges), columns.birth, side="left").astype(np.int8), labels
    if dimension in ("insured", "disability"):
        return columns.holders(dimension, as_of).astype(np.int32), ["no", "yes"]
    if dimension == "enrolment":
        facts = columns.facts["enrolment"]
        hold = np.flatnonzero(facts.holding(as_of))
        # The latest enrolment that holds: facts are in valid_from order, so keep each child's last.
        last = hold[::-1][np.unique(facts.child[hold][::-1], return_index=True)[1]]
        codes = [*facts.codes, "none"]
        index = np.full(len(columns.ids), len(codes) - 1, dtype=np.int32)
        index[facts.child[last]] = facts.code[last]
        return index, codes
    raise ValueError(dimension)


def _filter_mask(columns: ChildColumns, filters: ChildFilter, as_of: datetime.date) -> np.ndarray | None:
    """A boolean per child who passes `filters`, or None when the filters ask nothing (a mask
    that is all true costs a pass over every child for no answer)."""
    if not filters.describe():
        return None
    regions = columns.regions
    mask = np.ones(len(columns.ids), dtype=bool)
    if filters.region:
        mask &= regions.member(columns.region, regions.ids_within(filters.region))
    if filters.age_min is not None:
        mask &= columns.birth <= years_before(as_of, filters.age_min).toordinal()
    if filters.age_max is not None:
        mask &= columns.birth > years_before(as_of, filters.age_max + 1).toordinal()
    for value, codes, column in (
        (filters.sex, columns.sex_codes, columns.sex),
        (filters.ethnicity, columns.ethnicity_codes, columns.ethnicity),
    ):
        if value:
            mask &= column == (codes.index(value) if value in codes else -1)
    if filters.status:
        mask &= columns.holders("status", as_of, filters.status)
    for name, value in (("insured", filters.insured), ("disability", filters.disability)):
        if value:
            held = columns.holders(name, as_of)
            mask &= held if value == "yes" else ~held
    if filters.enrolled == "none":
        mask &= ~columns.holders("enrolment", as_of)
    elif filters.enrolled:
        mask &= columns.holders("enrolment", as_of, filters.enrolled)
    return mask


def count_cells(
    region_ids: Any,
    dimensions: Any,
    filters: ChildFilter,
    as_of: datetime.date,
    columns: ChildColumns | None = None,
    signatures: bool = False,
) -> dict:
    """{(key of each dimension…): children} among the children living in `region_ids`, for any
    number of dimensions (a pivot uses two). With `signatures`, each cell is the disclosure
    Signature of its children (count and id sum, for the cell-key perturbation)."""
    columns = columns or child_columns()
    inside = columns.regions.inside(region_ids)
    mask = _filter_mask(columns, filters, as_of)
    if not columns.regions.covers_everyone(inside):
        living = inside[columns.region]
        mask = living if mask is None else mask & living
    # Only the children asked about are gathered; with no mask (a district-wide count with no
    # filter) the index columns are used as they are.
    chosen = np.flatnonzero(mask) if mask is not None else None
    combined: np.ndarray | None = None
    keys = []
    for dimension in dimensions:
        index, dimension_keys = _dimension(columns, dimension, as_of)
        picked = index[chosen] if chosen is not None else index
        if combined is None:
            combined = picked.astype(np.intp)
        else:
            combined *= len(dimension_keys)
            combined += picked
        keys.append(dimension_keys)
    if combined is None:
        combined = np.zeros(len(columns.ids) if chosen is None else len(chosen), dtype=np.intp)
    sizes = [len(k) for k in keys]
    counts = np.bincount(combined, minlength=int(np.prod(sizes)))
    # Id sums stay exact in float64 up to 2**53 (a million children with ids under 10**9).
    ids = columns.ids if chosen is None else columns.ids[chosen]
    id_sums = np.bincount(combined, weights=ids, minlength=len(counts)) if signatures else None
    cells = {}
    for n in np.flatnonzero(counts):
        key, rest = [], int(n)
        for dimension_keys, size in zip(reversed(keys), reversed(sizes), strict=True):
            key.append(dimension_keys[rest % size])
            rest //= size
        count = int(counts[n])
        cells[tuple(reversed(key))] = Signature(count, int(id_sums[n])) if id_sums is not None else count
    return cells


AGES = 18  # whole years 0–17; the age table's last columns hold "18 and over" and "not yet born"


def age_in_years(columns: ChildColumns, as_of: datetime.date) -> np.ndarray:
    """Each child's age in whole years on `as_of` (0–17; 18 for 18 and over; -1 if born after),
    by the same birthday rule as `years_before` (29 February counts from 28 February)."""

    def compute() -> np.ndarray:
        # Edges oldest first: a birth after edge k (ordinal of the day `AGES - k` years before) …
        edges = np.array([years_before(as_of, years).toordinal() for years in range(AGES, -1, -1)])
        passed = np.searchsorted(edges, columns.birth, side="left")  # edges strictly before the birth
        return (AGES - passed).astype(np.int8)

    return columns.derived(("day", as_of, "age_in_years"), compute)


def region_age_table(
    as_of: datetime.date, signatures: bool = False
) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Children by region id × age in whole years on `as_of` (columns 0–17, then 18 and over,
    then not yet born), and with `signatures` the sums of their ids (core/disclosure.py), from
    the in-memory columns; None while they are being read (the caller counts in the database).
    Kept for the day: coverage's ten age groups are column sums of one table."""
    if not settings.DATAHUB_STATISTICS_IN_MEMORY:
        return None
    columns = fresh_columns()
    if columns is None:
        return None

    def compute() -> tuple[np.ndarray, np.ndarray | None]:
        slots = AGES + 2
        age = age_in_years(columns, as_of).astype(np.intp)
        slot = np.where(age < 0, AGES + 1, age)
        key = columns.region * slots + slot
        size = columns.regions.size * slots
        counts = np.bincount(key, minlength=size).reshape(-1, slots)
        sums = (
            np.bincount(key, weights=columns.ids, minlength=size).reshape(-1, slots) if signatures else None
        )
        return counts, sums

    return columns.derived(("day", as_of, "region_age_table", signatures), compute)
