"""Checked rows between preview and commit, in chunks: JSON in column order (dates as ordinals,
regions as ids), led by the row's place (sheet index << 21 | row number, the sheets listed in
the batch) and followed by the ID number's blind index, computed once at the preview; encrypted
under the StagedRows field's key and context, a block at a time where the block was checked
(checking.check_block, perhaps in a helper process). Reading them back is far cheaper than
reading and checking the file again (benchmarks/datahub_import.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from tongyou.core.parallel import pipelined
from tongyou.privacy.fields import EncryptedTextField
from tongyou.privacy.keys import keyring, keyring_document

from ...models import Child, StagedRows
from .bulk import insert_values
from .preparing import STALE

if TYPE_CHECKING:
    from tongyou.datahub.models import ImportBatch
    from tongyou.datahub.services.imports.sources import SourceSpec


class StaleRows(ValueError):
    """The staged rows no longer fit the database or the user (a region gone, a jurisdiction changed)."""


def staged_row(columns: list[tuple[str, str]]) -> Callable[[int, dict[str, Any]], list]:
    """A function giving a checked row as staged: [place, values in column order (dates as
    ordinals, regions as ids)…, the ID number's blind index]."""
    take = itemgetter(*[key for key, _kind in columns], "id_number_index")
    dates = [i + 1 for i, (_key, kind) in enumerate(columns) if kind == "date"]
    regions = [i + 1 for i, (_key, kind) in enumerate(columns) if kind == "region"]

    def stage(place: int, parsed: dict[str, Any]) -> list:
        row = [place, *take(parsed)]
        for i in dates:
            if row[i] is not None:
                row[i] = row[i].toordinal()
        for i in regions:
            if row[i] is not None and not isinstance(row[i], int):
                row[i] = row[i].pk
        return row

    return stage


def staged_text(rows: list[list]) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


ROW_BITS = 21  # rows of a sheet fit in 21 bits (Excel: 1,048,576)


def place_of(sheet_index: int, row_number: int) -> int:
    return sheet_index << ROW_BITS | row_number


def split_place(place: int) -> tuple[int, int]:
    """(sheet index, row number)."""
    return place >> ROW_BITS, place & ((1 << ROW_BITS) - 1)


class Stager:
    """Stores a file's checked rows a chunk at a time, as check_block encrypted them."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.sequence = 0

    def store(self, ciphertext: str) -> None:
        insert_values(
            StagedRows, [{"batch_id": self.batch.pk, "sequence": self.sequence, "rows": ciphertext}], {"rows"}
        )
        self.sequence += 1

    def discard(self) -> None:
        if self.batch.pk:
            StagedRows.objects.filter(batch=self.batch).delete()


def staged_chunks(
    batch: ImportBatch, spec: SourceSpec, regions: Any, scope: Any, helper: bool = False
) -> Generator[list[Any], Any, None]:
    """The staged chunks in order, one at a time (constant memory), as [(place, parsed row)]:
    regions as objects, and rows with an ID number carrying the new child's encrypted values
    (preparing.py). With `helper`, a helper process prepares the next chunk while the caller
    writes this one. Raises StaleRows when a row names a region no longer in the district or in
    the user's scope."""
    # The regions still in the district and in the user's scope, decided once, not per row.
    allowed = {pk: region for pk, region in regions.items() if region.path.startswith(scope)}
    setup = {
        "columns": [(c.key, c.kind) for c in spec.columns],
        "regions": frozenset(allowed),
        "staged": _context(StagedRows, "rows"),
        "name": _context(Child, "name"),
        "id_number": _context(Child, "id_number"),
    }
    region_keys = [c.key for c in spec.columns if c.kind == "region"]
    chunks = pipelined(
        "tongyou.datahub.services.imports.preparing:prepare_chunk",
        setup,
        _ciphertexts(batch),
        environment={"TONGYOU_KEYS": keyring_document(keyring())},
        in_process=not helper,
    )
    for chunk in chunks:
        if chunk == STALE:
            raise StaleRows(_("The file no longer passes its checks; upload it again to see why."))
        for _place, parsed in chunk:
            for key in region_keys:
                if parsed[key] is not None:
                    parsed[key] = allowed[parsed[key]]
        yield chunk


def _context(model: Any, name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, EncryptedTextField)  # noqa: S101 (a model's declared field)
    return field._context()


def _ciphertexts(batch: ImportBatch) -> Generator[str, Any, None]:
    """Each staged chunk as stored, still encrypted: the preparer decrypts it. Read one at a time
    by the caller, inside its transaction."""
    staged = StagedRows.objects.filter(batch=batch)
    for sequence in list(staged.values_list("sequence", flat=True)):
        yield staged.filter(sequence=sequence).values_list(Cast("rows", TextField()), flat=True).get()
