"""Names for matching: the pinyin of a Chinese name, tones dropped (王晓明 and 王小明 agree), and
the blind indexes that find an encrypted name exactly or by its pinyin."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pypinyin import lazy_pinyin


@lru_cache(maxsize=20_000)
def _syllable(character: Any) -> str:
    # Character by character: a name is not a phrase, and the few thousand characters used in
    # names cache well (pypinyin's phrase segmentation is the slow part of an import).
    return "".join(lazy_pinyin(character))


@lru_cache(maxsize=200_000)
def pinyin_key(name: str) -> str:
    return "".join(_syllable(c) for c in (name or "").strip()).lower()


NAME_PURPOSE = "person-name"
PINYIN_PURPOSE = "person-name-pinyin"


def name_index(name: str) -> str:
    """Blind index of a name (exact search of the encrypted name)."""
    from .blind_index import blind_index

    return blind_index(name or "", NAME_PURPOSE) if name else ""


def pinyin_index(name: str) -> str:
    """Blind index of a name's pinyin: finds 王晓明 for 王小明 or "wangxiaoming", and, keyed, cannot
    be read back into the name as a stored pinyin could."""
    from .blind_index import blind_index

    key = pinyin_key(name)
    return blind_index(key, PINYIN_PURPOSE) if key else ""
