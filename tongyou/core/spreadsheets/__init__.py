"""Reading the spreadsheets people upload (.xlsx, .xls, .ods, CSV/TSV in UTF-8, UTF-16 or GBK,
HTML tables saved as .xls), for every upload path: data hub imports, indicator values, bank
returns.

The file is parsed in a separate process (`child.py`) with limits on memory, CPU and wall time,
so no file, however it was made, can take the web or worker process down: a used range of
a million by sixteen thousand cells, a zip bomb or a reader bug ends the child, and the caller
gets a `FileError` whose Chinese message says why. Rows stream back in chunks (constant
memory here) numbered as the spreadsheet numbers them, blank rows skipped.

`find_header` then finds the header row below titles and merged group headings, accepting
each column under any of its names.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import Refusal
from ..parallel import PlainUnpickler as _Unpickler  # cells are plain values and dates

HEADER_SCAN_ROWS = 30  # the header is looked for among the first rows that hold anything


class FileError(Refusal):
    """A file that cannot be read as a table, with the reason in the user's language."""


def limits() -> dict:
    configured = getattr(settings, "SPREADSHEET_LIMITS", {})
    return {
        "max_bytes": 200 * 1024 * 1024,
        "max_rows": 1_048_576,  # Excel's own limit
        "max_columns": 1024,
        "max_cells": 60_000_000,
        "max_cell_chars": 32_767,  # Excel's own limit
        "max_zip_entries": 10_000,
        "max_zip_ratio": 200,
        "max_unzipped_bytes": 3 * 1024**3,
        "memory_bytes": 4 * 1024**3,
        "cpu_seconds": 600,
        "wall_seconds": 900,
    } | configured


def _message(code: str, params: dict) -> str:
    messages = {
        "empty": _("The file is empty."),
        "not_spreadsheet": _(
            "The file is not a spreadsheet (it is %(kind)s); upload an .xlsx, .xls or .csv file."
        ),
        "password": _(
            "The file is protected by a password; remove the password in Excel and upload it again."
        ),
        "damaged": _(
            "The file is damaged and cannot be opened; open it in Excel, save it again and upload that."
        ),
        "encoding": _("The file's text encoding was not recognised; save it as UTF-8 or GBK."),
        "xlsb": _("Binary workbooks (.xlsb) are not read; save the file as .xlsx."),
        "xml_spreadsheet": _("XML spreadsheets (Excel 2003 XML) are not read; save the file as .xlsx."),
        "zip_bomb": _("The file unpacks to far more data than a spreadsheet holds and was not read."),
        "too_large": _(
            "The sheet's used range is too large to read (%(rows)s rows × %(columns)s columns); "
            "delete the empty rows and columns at its end, or split the file."
        )
        if params.get("rows")
        else _(
            "The file needs more memory than allowed to read; delete empty rows and columns, or split it."
        ),
        "too_many_bytes": _("The file is larger than %(limit)s MB; split it into parts."),
        "cell_too_long": _("A cell holds more than %(limit)s characters; the file is not a roster."),
        "too_slow": _("Reading the file took too long; split it into smaller files."),
    }
    params = dict(params)
    if "limit" in params and code == "too_many_bytes":
        params["limit"] = params["limit"] // (1024 * 1024)
    params.setdefault("kind", "")
    params["kind"] = {
        "image": _("an image"),
        "archive": _("a compressed archive"),
        "binary": _("a binary file"),
        "zip": _("a zip archive"),
        "HTML": _("a web page without a table"),
    }.get(params["kind"], params["kind"])
    return messages.get(code, messages["damaged"]) % params


WARNINGS = {
    "html_table": lambda p: _(
        "The file is a web page (HTML table) saved with a spreadsheet name; it was read as a table."
    ),
    "utf16_without_bom": lambda p: _("The text was read as UTF-16 (Unicode text)."),
    "delimiter": lambda p: _("Columns are separated by %(delimiter)s; read accordingly.") % p,
}


@dataclass
class Sheet:
    name: str
    visible: bool
    estimated_rows: int
    rows: Iterator[tuple[int, list]] = field(repr=False, default=iter(()))


class Workbook:
    """The sheets of one file, read in a sandboxed process. Iterate `sheets()` once; each
    sheet's rows must be read (or skipped) before the next sheet is reached. Use as a context
    manager so the reader process ends whatever happens."""

    def __init__(self, filename: str, content: bytes) -> None:
        self.filename, self.content = filename, content
        self.encoding = ""
        self.warnings: list[str] = []
        self.reader_peak_kb = 0  # the reader process's peak memory, once it has finished
        self._process: subprocess.Popen | None = None
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        process, self._process = self._process, None
        if self._timer:
            self._timer.cancel()
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()

    def _start(self) -> None:
        bounds = limits()
        if len(self.content) > bounds["max_bytes"]:
            raise FileError(_message("too_many_bytes", {"limit": bounds["max_bytes"]}))
        args = json.dumps({"filename": self.filename, "limits": bounds})
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            "LANG": "C.UTF-8",
        }
        python = getattr(settings, "SPREADSHEET_PYTHON", "") or sys.executable
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [python, "-s", "-m", "tongyou.core.spreadsheets.child", args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment,
            close_fds=True,
        )
        _limit(self._process.pid, bounds)
        self.timed_out = False  # before the timer starts: a very short limit may fire at once
        self._timer = threading.Timer(bounds["wall_seconds"], self._timed_out)
        self._timer.daemon = True
        self._timer.start()
        content = self.content
        stdin = self._process.stdin
        assert stdin is not None  # noqa: S101 (opened with PIPE above)

        def feed() -> None:
            try:
                stdin.write(content)
            except (BrokenPipeError, OSError, ValueError):
                pass  # the reader ended early: its answer says why
            finally:
                with contextlib.suppress(OSError):
                    stdin.close()

        threading.Thread(target=feed, daemon=True).start()

    def _timed_out(self) -> None:
        self.timed_out = True
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()

    def _events(self) -> Generator[Any, Any, None]:
        self._start()
        assert self._process is not None and self._process.stdout is not None  # noqa: S101 (started)
        stream = self._process.stdout
        while True:
            try:
                # One unpickler per event: each event is pickled on its own, memo included.
                event = _Unpickler(stream).load()
            except (EOFError, pickle.UnpicklingError, OSError, ValueError, TypeError, AttributeError):
                break
            kind = event[0]
            if kind == "done":
                return
            if kind == "error":
                raise FileError(_message(event[1], event[2]))
            yield event
        # The reader ended without an answer: killed by its limits, or crashed.
        process = self._process
        returncode = process.wait() if process is not None else None
        if self.timed_out or returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise FileError(_message("too_slow", {}))
        raise FileError(_message("too_large", {}))

    def sheets(self) -> Iterator[Sheet]:
        events = self._events()
        pending = None
        while True:
            event = pending or next(events, None)
            pending = None
            if event is None:
                return
            kind = event[0]
            if kind == "warning":
                self.warnings.append(WARNINGS[event[1]](event[2]))
            elif kind == "encoding":
                self.encoding = event[1]
            elif kind == "peak":
                self.reader_peak_kb = event[1]
            elif kind == "sheet":
                holder = {"next": None}

                def rows(holder: Any = holder) -> Any:
                    for item in events:
                        if item[0] == "rows":
                            yield from item[1]
                        elif item[0] == "encoding":
                            self.encoding = item[1]
                        elif item[0] == "peak":
                            self.reader_peak_kb = item[1]
                        elif item[0] == "warning":
                            self.warnings.append(WARNINGS[item[1]](item[2]))
                        else:
                            holder["next"] = item
                            return

                sheet = Sheet(event[1], event[2], event[3], rows())
                yield sheet
                for _skipped in sheet.rows:  # whatever the caller did not read
                    pass
                pending = holder["next"]


def _limit(pid: int, bounds: dict) -> None:
    """Memory and CPU limits on the reader, set before it is given the file (it reads its
    input before anything else)."""
    try:
        import resource

        resource.prlimit(pid, resource.RLIMIT_AS, (bounds["memory_bytes"], bounds["memory_bytes"]))
        resource.prlimit(pid, resource.RLIMIT_CPU, (bounds["cpu_seconds"], bounds["cpu_seconds"] + 5))
    except (ImportError, AttributeError, OSError, ValueError):  # not Linux: the wall clock still holds
        pass


# ---------------------------------------------------------------- headers


_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[)）]$")
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


def header_key(text: str) -> str:
    """A header as compared: full-width folded, spaces (ordinary, non-breaking, ideographic)
    and required-field stars gone."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    return _SPACES.sub("", folded).strip("*＊").strip()


def header_keys(text: str) -> set[str]:
    """A header with and without a trailing note: 身份证号码（必填） is 身份证号码."""
    key = header_key(text)
    keys = {key}
    stripped = _TRAILING_NOTE.sub("", key)
    if stripped:
        keys.add(stripped)
    return keys


@dataclass
class HeaderMatch:
    row: int  # the spreadsheet's row number of the header
    headers: list[str]
    positions: dict[str, int]  # column key → index in the row
    unknown: list[str]  # headers that name no column


def find_header(rows: Sequence[tuple[int, list]], names: Mapping[str, Iterable[str]]) -> HeaderMatch | None:
    """The header among `rows` (the first rows of a sheet): the row naming most columns, with
    blanks under a merged heading filled from the row above. `names` maps each column key to
    every name it goes by. None when no row names any column."""
    lookup: dict[str, str] = {}
    for key, accepted in names.items():
        for name in accepted:
            lookup.setdefault(header_key(name), key)
    best: HeaderMatch | None = None
    previous: list = []
    for row_number, values in rows[:HEADER_SCAN_ROWS]:
        for candidate in _candidates(values, previous):
            positions, unknown = {}, []
            for index, text in enumerate(candidate):
                found = next((lookup[k] for k in header_keys(text) if k in lookup), None)
                if found and found not in positions:
                    positions[found] = index
                elif header_key(text):
                    unknown.append(str(text).strip())
            if positions and (best is None or len(positions) > len(best.positions)):
                best = HeaderMatch(row_number, [_text(v) for v in candidate], positions, unknown)
        previous = values
    return best


def _candidates(values: Any, previous: Any) -> Any:
    yield values
    if previous:  # a heading merged down over two rows leaves the lower row blank
        width = max(len(values), len(previous))
        padded = list(values) + [None] * (width - len(values))
        above = list(previous) + [None] * (width - len(previous))
        yield [v if header_key(v) else above[i] for i, v in enumerate(padded)]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_table(
    filename: str,
    content: bytes,
    names: Mapping[str, Iterable[str]],
    required: Iterable[str] = (),
    max_rows: int = 100_000,
) -> tuple[HeaderMatch, Iterator[tuple[int, list]], list[str]]:
    """The one sheet of a simple upload (indicator values, a bank's return file): its header,
    its rows after the header, and warnings. Refuses a file whose visible sheets with rows are
    not exactly one, or whose header lacks a required column, naming what it found."""
    book = Workbook(filename, content)
    try:
        chosen = None
        for sheet in book.sheets():
            if not sheet.visible:
                continue
            head = []
            for item in sheet.rows:
                head.append(item)
                if len(head) >= HEADER_SCAN_ROWS:
                    break
            if not head:
                continue
            match = find_header(head, names)
            if match is None:  # an instructions sheet, a chart's data: names none of the columns
                for _rest in sheet.rows:
                    pass
                continue
            if chosen is not None:
                raise FileError(
                    _(
                        "The workbook has more than one sheet with rows (%(sheets)s); "
                        "keep only the one to upload."
                    )
                    % {"sheets": "、".join([chosen[0], sheet.name])}
                )
            chosen = (sheet.name, match, head)
            for item in sheet.rows:  # simple uploads are small: a few thousand rows at most
                head.append(item)
                if len(head) > max_rows:
                    raise FileError(_("The file has more than %(n)d rows; split it.") % {"n": max_rows})
        if chosen is None:
            expected = "、".join(next(iter(names[key])) for key in (required or names))
            raise FileError(
                _("No header row with the columns %(expected)s was found in the first %(n)d rows.")
                % {"expected": expected, "n": HEADER_SCAN_ROWS}
            )
        name, match, rows = chosen
        missing = [key for key in required if key not in match.positions]
        if missing:
            expected = "、".join(next(iter(names[key])) for key in (missing or required))
            raise FileError(
                _("No header row with the columns %(expected)s was found in the first %(n)d rows.")
                % {"expected": expected, "n": HEADER_SCAN_ROWS}
            )
        return match, iter([r for r in rows if r[0] > match.row]), list(book.warnings)
    finally:
        book.close()
