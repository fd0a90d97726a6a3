"""Typesetting Chinese official documents and certificates as PDF (GB/T 9704 on A4): a font with
Chinese glyphs found on the server, and line breaking as Chinese typesetting does it (避头尾).
Shared by the annual report and every certificate an app prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# Fonts a server commonly has: Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-zenhei, fonts-droid-fallback),
# Windows and macOS. (path, index in a font collection)
FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
]


class FontMissing(RuntimeError):
    pass


def cjk_font() -> tuple[str, int] | tuple:
    """(path, collection index) of a font with Chinese glyphs."""
    configured = getattr(settings, "TONGYOU_PDF_FONT", "")
    if configured:
        path, _sep, index = configured.partition("#")
        return path, int(index or 0)
    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            return path, index
    raise FontMissing(
        _("No Chinese font was found for the PDF: install fonts-noto-cjk or set TONGYOU_PDF_FONT.")
    )


# 避头尾: characters a line may not start with, and ones it may not end with (GB/T 15834 usage,
# as Word's East-Asian line breaking applies them).
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’·%‰,.;:?!)]}")  # (a dash or an ellipsis may begin one)
NO_LINE_END = set("（《「『【〔〈“‘([{")


def wrap(measure: Any, text: str, width: float) -> list[str]:
    """Lines of `text` no wider than `width` (by `measure`), broken as Chinese typesetting breaks
    them (避头尾): a line never starts with closing punctuation — the character before it moves
    down with it — and never ends with opening punctuation, which moves down too. Where nothing
    is left to move (a line of punctuation alone), the mark hangs past the margin instead."""
    lines: list[str] = []
    line = ""
    for char in text:
        if not line or measure(line + char) <= width:
            line += char
            continue
        kept, carried = line, ""
        if char in NO_LINE_START:
            while kept and kept[-1] in NO_LINE_START:
                kept, carried = kept[:-1], kept[-1] + carried
            if kept:
                kept, carried = kept[:-1], kept[-1] + carried
        while kept and kept[-1] in NO_LINE_END:
            kept, carried = kept[:-1], kept[-1] + carried
        if not kept:  # nothing may move down: the mark hangs in the margin (悬挂)
            line += char
            continue
        lines.append(kept)
        line = carried + char
    if line:
        lines.append(line)
    return lines
