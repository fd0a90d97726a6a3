"""Model fields that store personal data encrypted at rest."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from django import forms
from django.db import models
from django.db.models import Lookup, Model

from .crypto import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """Text stored as `ty1$<key id>$…` ciphertext; reads give back plaintext.

    It cannot be filtered or ordered on: use a blind index for exact lookups.
    """

    description = "Encrypted text"

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, self._context())

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value, self._context())

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        # A short value (a name) is typed on one line; the length bounds the plaintext.
        if self.max_length and self.max_length <= 200:
            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name not in ("isnull",):
            raise TypeError(
                f"Encrypted field {self.name} cannot be searched with '{lookup_name}'; use its blind index."
            )
        return super().get_lookup(lookup_name)


def encrypted_fields() -> Generator[tuple[type[Model], EncryptedTextField], Any, None]:
    """(model, field) for every encrypted field in the project."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
