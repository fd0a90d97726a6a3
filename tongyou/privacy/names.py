"""Names for matching: the pinyin of a Chinese name, tones dropped (王晓明 and 王小明 agree)."""

from functools import lru_cache

from pypinyin import lazy_pinyin


@lru_cache(maxsize=20_000)
def _syllable(character):
    # Character by character: a name is not a phrase, and the few thousand characters used in
    # names cache well (pypinyin's phrase segmentation is the slow part of an import).
    return "".join(lazy_pinyin(character))


@lru_cache(maxsize=200_000)
def pinyin_key(name):
    return "".join(_syllable(c) for c in (name or "").strip()).lower()
