"""Checked rows between preview and commit, in chunks: JSON in column order (dates as ordinals,
regions as ids), led by the row's place (sheet index << 21 | row number, the sheets listed in
the batch) and followed by the ID number's blind index, computed once at the preview; encrypted by
the StagedRows field. Reading them back is far cheaper than reading and checking the file again
(benchmarks/datahub_import.py)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from ...models import StagedRows

if TYPE_CHECKING:
    from tongyou.datahub.models import ImportBatch
    from tongyou.datahub.services.imports.sources import SourceSpec


class StaleRows(ValueError):
    """The staged rows no longer fit the database or the user (a region gone, a jurisdiction changed)."""


def encode(spec: SourceSpec, chunk: list[Any]) -> str:
    """[(row number, parsed row)] → JSON text."""
    kinds = [(c.key, c.kind) for c in spec.columns]
    rows = []
    for row_number, parsed in chunk:
        row = [row_number]
        for key, kind in kinds:
            value = parsed.get(key)
            if value is not None and kind == "date":
                value = value.toordinal()
            elif value is not None and kind == "region":
                value = value.pk
            row.append(value)
        row.append(parsed.get("id_number_index"))
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


ROW_BITS = 21  # rows of a sheet fit in 21 bits (Excel: 1,048,576)


def place_of(sheet_index: int, row_number: int) -> int:
    return sheet_index << ROW_BITS | row_number


def split_place(place: int) -> tuple[int, int]:
    """(sheet index, row number)."""
    return place >> ROW_BITS, place & ((1 << ROW_BITS) - 1)


def decode(spec: SourceSpec, text: str, regions: Any) -> list:
    """JSON text → [(place, parsed row)]; `regions` are those still in the district and in the
    user's scope (by id): a row naming any other makes the staged rows stale."""
    kinds = [(c.key, c.kind) for c in spec.columns]
    chunk = []
    for row_number, *values, id_number_index in json.loads(text):
        parsed = {"id_number_index": id_number_index}
        for (key, kind), value in zip(kinds, values, strict=True):
            if value is not None and kind == "date":
                value = datetime.date.fromordinal(value)
            elif value is not None and kind == "region":
                region = regions.get(value)
                if region is None:
                    raise StaleRows(_("The file no longer passes its checks; upload it again to see why."))
                value = region
            parsed[key] = value
        chunk.append((row_number, parsed))
    return chunk


class Stager:
    """Collects checked rows and stores them a chunk at a time."""

    def __init__(self, batch: ImportBatch, spec: SourceSpec, size: int) -> None:
        self.batch, self.spec, self.size = batch, spec, size
        self.pending: list = []
        self.sequence = 0

    def add(self, row_number: int, parsed: Any) -> None:
        self.pending.append((row_number, parsed))
        if len(self.pending) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            StagedRows.objects.create(
                batch=self.batch, sequence=self.sequence, rows=encode(self.spec, self.pending)
            )
            self.sequence += 1
            self.pending = []

    def discard(self) -> None:
        self.pending = []
        if self.batch.pk:
            StagedRows.objects.filter(batch=self.batch).delete()


def staged_chunks(
    batch: ImportBatch, spec: SourceSpec, regions: Any, scope: Any
) -> Generator[list[Any], Any, None]:
    """The staged chunks in order, one at a time (constant memory)."""
    sequences = list(StagedRows.objects.filter(batch=batch).values_list("sequence", flat=True))
    # The regions still in the district and in the user's scope, decided once, not per row.
    allowed = {pk: region for pk, region in regions.items() if region.path.startswith(scope)}
    for sequence in sequences:
        text = StagedRows.objects.values_list("rows", flat=True).get(batch=batch, sequence=sequence)
        yield decode(spec, text, allowed)
