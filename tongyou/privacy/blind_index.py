"""Keyed blind index (HMAC-SHA256) for exact lookup of an encrypted value without decrypting."""

import hashlib
import hmac

from .keys import keyring


def blind_index(value: str, purpose: str) -> str:
    """Hex HMAC of the normalised value; `purpose` keeps indexes of different fields apart."""
    normalised = value.strip().upper()
    message = f"{purpose}:{normalised}".encode()
    return hmac.new(keyring().blind_index_key, message, hashlib.sha256).hexdigest()
