"""Stored text never becomes markup in the browser: every script hands maps a text node and
never assigns HTML. A new script that does otherwise fails here."""

import re
from pathlib import Path

import tongyou

ROOT = Path(tongyou.__file__).parent
SCRIPTS = [p for p in ROOT.rglob("static/**/*.js")]
SINKS = re.compile(r"\.(bindTooltip|bindPopup|setContent)\(\s*(?!window\.tongyouText\(|link\b)")
RAW_HTML = re.compile(r"\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write")


def test_there_are_scripts_to_check():
    assert len(SCRIPTS) >= 5


def test_map_labels_are_text_nodes():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in SCRIPTS
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SINKS.search(line) or RAW_HTML.search(line)
    ]
    assert offenders == []
