"""Encrypting a column that held plaintext, inside a migration: the column first becomes plain
text, this step encrypts every value (and fills blind indexes), then the field becomes an
EncryptedTextField, which reads what this wrote."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.migrations import RunPython

from .crypto import PREFIX, encrypt


def encrypt_column(app_label: str, model_name: str, fields: tuple[str, ...], derive: Any = None) -> RunPython:
    """A RunPython operation: every value of `fields` encrypted as EncryptedTextField writes it
    (same key ring, same per-field context); `derive(obj)` may fill other columns from the
    plaintext first, naming them in its return value."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        label = f"{app_label}.{model_name.lower()}"
        batch, touched = [], set(fields)
        for obj in model._base_manager.only("pk", *fields).iterator(chunk_size=2000):
            if derive is not None:
                touched |= set(derive(obj))
            for name in fields:
                value = getattr(obj, name)
                if value and not value.startswith(f"{PREFIX}$"):
                    setattr(obj, name, encrypt(value, f"{label}.{name}"))
            batch.append(obj)
            if len(batch) >= 2000:
                model._base_manager.bulk_update(batch, sorted(touched))
                batch = []
        if batch:
            model._base_manager.bulk_update(batch, sorted(touched))

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)
