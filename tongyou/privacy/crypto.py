"""Authenticated field encryption: AES-256-GCM by default, SM4-GCM selectable.

A ciphertext is text: `ty1$<key id>$<base64(nonce ‖ ciphertext ‖ tag)>`. The key
id says which key (and so which algorithm) opens it, so keys can rotate while old
values remain readable. The field name is bound in as associated data, so a
value copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .keys import Key, keyring

PREFIX = "ty1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    pass


def _sm4_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def _sm4_decrypt(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    body, tag = data[:-TAG_BYTES], data[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


def encrypt(plaintext: str, context: str = "", key: Key | None = None) -> str:
    key = key or keyring().active
    nonce = os.urandom(NONCE_BYTES)
    aad = context.encode()
    data = plaintext.encode("utf-8")
    if key.algorithm == "aes-256-gcm":
        sealed = AESGCM(key.material).encrypt(nonce, data, aad)
    else:
        sealed = _sm4_encrypt(key.material, nonce, data, aad)
    return f"{PREFIX}${key.key_id}${base64.b64encode(nonce + sealed).decode()}"


def key_id_of(ciphertext: str) -> str:
    prefix, key_id, _ = ciphertext.split("$", 2)
    if prefix != PREFIX:
        raise DecryptionError("Not a Tongyou ciphertext.")
    return key_id


def decrypt(ciphertext: str, context: str = "") -> str:
    try:
        prefix, key_id, body = ciphertext.split("$", 2)
    except ValueError:
        raise DecryptionError("Not a Tongyou ciphertext.") from None
    if prefix != PREFIX:
        raise DecryptionError("Not a Tongyou ciphertext.")
    key = keyring().get(key_id)
    raw = base64.b64decode(body)
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        if key.algorithm == "aes-256-gcm":
            data = AESGCM(key.material).decrypt(nonce, sealed, context.encode())
        else:
            data = _sm4_decrypt(key.material, nonce, sealed, context.encode())
    except InvalidTag:
        raise DecryptionError(f"Ciphertext under key '{key_id}' failed authentication.") from None
    return data.decode("utf-8")
