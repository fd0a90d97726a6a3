"""Names for matching: the pinyin of a Chinese name, tones dropped (王晓明 and 王小明 agree)."""

from pypinyin import lazy_pinyin


def pinyin_key(name):
    return "".join(lazy_pinyin((name or "").strip())).lower()
