"""Key rotation: re-encrypt every encrypted value that is not under the active key."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from .crypto import decrypt, key_id_of
from .fields import EncryptedTextField, encrypted_fields
from .keys import keyring


def _stale_rows(
    model: type[Model], field: EncryptedTextField, active_id: str
) -> Generator[tuple[Any, str], Any, None]:
    """(pk, plaintext) of values under another key, read as raw ciphertext from the column."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote(str(model._meta.pk.column))}, {quote(str(field.column))} "  # noqa: S608 (quoted names)
        f"FROM {quote(model._meta.db_table)} WHERE {quote(str(field.column))} IS NOT NULL"
    )
    context = f"{model._meta.label_lower}.{field.name}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for pk, raw in cursor.fetchall():
            if raw and key_id_of(raw) != active_id:
                yield pk, decrypt(raw, context)


def rotate_all(stdout: Any = None) -> dict[str, int]:
    """Returns {'app.Model.field': values re-encrypted}. Each field is done in one transaction."""
    active_id = keyring().active_id
    report = {}
    for model, field in encrypted_fields():
        with transaction.atomic():
            stale = list(_stale_rows(model, field, active_id))
            for pk, plaintext in stale:
                # update() runs get_prep_value, which encrypts under the active key.
                model._base_manager.filter(pk=pk).update(**{field.attname: plaintext})
        label = f"{model._meta.label}.{field.name}"
        report[label] = len(stale)
        if stdout:
            stdout.write(f"{label}: {len(stale)} re-encrypted")
    return report
