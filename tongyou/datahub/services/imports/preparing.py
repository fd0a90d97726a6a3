"""What a commit can do without the database, one staged chunk at a time: decrypt and decode the
checked rows and, for each row with an ID number, encrypt the name and the number and compute the
name's blind indexes (exact and pinyin), ready for the new child's INSERT.

That is half of a commit's work (benchmarks/datahub_import.py). A large file has it done in a
helper process on the second core (tongyou/core/parallel.py) for chunk N+1 while the commit
writes chunk N; a small one here. The same function either way, so it imports no Django model:
the helper sets up no Django and opens no database."""

from __future__ import annotations

import datetime
import json
from typing import Any

from tongyou.privacy.crypto import decrypt, encrypt
from tongyou.privacy.names import name_index, pinyin_index

STALE = "stale"  # a row names a region no longer in the district or in the user's scope


def prepare_chunk(setup: dict[str, Any], ciphertext: str) -> list[tuple[int, dict[str, Any]]] | str:
    """[(place, parsed row)] of one staged chunk, dates as dates and regions as ids; or STALE.

    `setup`: "columns" [(key, kind)] in the staged order, "regions" the ids a row may name, and
    the encryption contexts of the staged rows ("staged"), the child's name ("name") and ID
    number ("id_number"). A row with an ID number also carries sealed_name, sealed_id_number,
    name_index and name_pinyin_index."""
    keys = [key for key, _kind in setup["columns"]]
    dates = [i for i, (_key, kind) in enumerate(setup["columns"]) if kind == "date"]
    regions = [i for i, (_key, kind) in enumerate(setup["columns"]) if kind == "region"]
    allowed = setup["regions"]
    name_context, id_context = setup["name"], setup["id_number"]
    from_ordinal = datetime.date.fromordinal
    chunk = []
    for place, *values, id_number_index in json.loads(decrypt(ciphertext, setup["staged"])):
        for i in dates:
            if values[i] is not None:
                values[i] = from_ordinal(values[i])
        for i in regions:
            if values[i] is not None and values[i] not in allowed:
                return STALE
        parsed = dict(zip(keys, values, strict=True))
        parsed["id_number_index"] = id_number_index
        if parsed.get("id_number"):
            name = parsed["name"]
            parsed["sealed_name"] = encrypt(name, name_context)
            parsed["sealed_id_number"] = encrypt(parsed["id_number"], id_context)
            parsed["name_index"], parsed["name_pinyin_index"] = name_index(name), pinyin_index(name)
        chunk.append((place, parsed))
    return chunk
