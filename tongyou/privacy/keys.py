"""The key ring: field-encryption keys and the blind-index key, kept outside the database.

Source, first found wins: the TONGYOU_KEYS environment variable (JSON), then the
key file named by settings.TONGYOU_KEY_FILE. Format:

    {"active": "k2026a",
     "keys": {"k2026a": {"alg": "aes-256-gcm", "key": "<base64, 32 bytes>"},
              "k2027s": {"alg": "sm4-gcm",     "key": "<base64, 16 bytes>"}},
     "blind_index_key": "<base64, 32 bytes>",
     "audit_key": "<base64, 32 bytes>"}   (optional: derived from the blind-index key if absent)

Old keys stay in the ring until `manage.py rotate_keys` has re-encrypted every
value they protect.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_SIZES = {"aes-256-gcm": 32, "sm4-gcm": 16}


@dataclass(frozen=True)
class Key:
    key_id: str
    algorithm: str
    material: bytes


@dataclass(frozen=True)
class KeyRing:
    active_id: str
    keys: dict
    blind_index_key: bytes
    # Keys the audit log's hash chain (audit/services.py): an HMAC, so that rewriting the log and
    # recomputing every hash needs this key, which is not in the database.
    audit_key: bytes = b""

    @property
    def audit_key_id(self) -> str:
        return "h" + hashlib.sha256(b"tongyou audit key id" + self.audit_key).hexdigest()[:11]

    @property
    def active(self) -> Any:
        return self.keys[self.active_id]

    def get(self, key_id: str) -> Any:
        try:
            return self.keys[key_id]
        except KeyError:
            raise ImproperlyConfigured(
                f"Key '{key_id}' is not in the key ring; it is needed to decrypt."
            ) from None


def parse_keyring(raw: Any) -> KeyRing:
    data = json.loads(raw)
    keys = {}
    for key_id, entry in data["keys"].items():
        algorithm = entry["alg"]
        if algorithm not in KEY_SIZES:
            raise ImproperlyConfigured(f"Key '{key_id}': unknown algorithm '{algorithm}'.")
        material = base64.b64decode(entry["key"])
        if len(material) != KEY_SIZES[algorithm]:
            raise ImproperlyConfigured(f"Key '{key_id}': {algorithm} needs {KEY_SIZES[algorithm]} bytes.")
        keys[key_id] = Key(key_id, algorithm, material)
    if data["active"] not in keys:
        raise ImproperlyConfigured(f"The active key '{data['active']}' is not in the key ring.")
    blind = base64.b64decode(data["blind_index_key"])
    if len(blind) < 32:
        raise ImproperlyConfigured("The blind-index key needs at least 32 bytes.")
    if data.get("audit_key"):
        audit = base64.b64decode(data["audit_key"])
        if len(audit) < 32:
            raise ImproperlyConfigured("The audit key needs at least 32 bytes.")
    else:
        # Key rings written before the audit key existed: one derived from the blind-index key
        # (HKDF), still outside the database.
        audit = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tongyou audit chain").derive(
            blind
        )
    return KeyRing(data["active"], keys, blind, audit)


@cache
def keyring() -> KeyRing:
    raw = os.environ.get("TONGYOU_KEYS")
    if not raw:
        path = Path(settings.TONGYOU_KEY_FILE)
        if not path.exists():
            raise ImproperlyConfigured(
                f"No encryption keys: set TONGYOU_KEYS or create {path} with `manage.py init_keys`."
            )
        raw = path.read_text(encoding="utf-8")
    return parse_keyring(raw)


def keyring_document(ring: KeyRing) -> str:
    """The key ring as the JSON `parse_keyring` reads: handed to a helper process over a pipe
    (tongyou/core/parallel.py), never written anywhere."""
    encode = lambda material: base64.b64encode(material).decode()  # noqa: E731
    return json.dumps(
        {
            "active": ring.active_id,
            "keys": {k.key_id: {"alg": k.algorithm, "key": encode(k.material)} for k in ring.keys.values()},
            "blind_index_key": encode(ring.blind_index_key),
            "audit_key": encode(ring.audit_key),
        }
    )


def reset_keyring_cache() -> None:
    keyring.cache_clear()


def new_keyring_document(algorithm: str = "aes-256-gcm", key_id: str | None = None) -> dict[str, Any]:
    key_id = key_id or f"k{secrets.token_hex(4)}"
    return {
        "active": key_id,
        "keys": {
            key_id: {"alg": algorithm, "key": base64.b64encode(os.urandom(KEY_SIZES[algorithm])).decode()}
        },
        "blind_index_key": base64.b64encode(os.urandom(32)).decode(),
        "audit_key": base64.b64encode(os.urandom(32)).decode(),
    }


def add_key_to_document(
    document: Any, algorithm: str, key_id: str | None = None, activate: bool = True
) -> Any:
    key_id = key_id or f"k{secrets.token_hex(4)}"
    document["keys"][key_id] = {
        "alg": algorithm,
        "key": base64.b64encode(os.urandom(KEY_SIZES[algorithm])).decode(),
    }
    if activate:
        document["active"] = key_id
    return key_id
