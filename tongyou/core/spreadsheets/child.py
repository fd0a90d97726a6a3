"""The reading half of the spreadsheet sandbox: runs in its own process (``python -m
tongyou.core.spreadsheets.child``) under memory and CPU limits, reads the file from standard
input and writes pickled events to standard output. It imports no Django, holds no database
connection and knows no messages: it names what it refused with a code, and the parent says it
in Chinese. Whatever the file makes the reader do, the worst outcome is this process ending.

Events, in order: ("sheet", name, visible, estimated rows) per sheet, ("rows", [(row number,
[values…]), …]) in chunks, ("warning", code, params), and finally ("error", code, params) or
("done",).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import pickle
import re
import sys
import zipfile
from collections.abc import Callable, Generator
from typing import Any

CHUNK = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# A cell with a value (not a self-closing, styled-only cell) and its reference.
CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*?(?<!/)>')
ROW_REF = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="(\d{1,7})"')


class UnreadableFile(Exception):
    """Why the sandbox cannot read a file, as a code the parent turns into a FileError."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


class Emitter:
    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def __call__(self, *event: Any) -> None:
        pickle.dump(event, self.stream, protocol=pickle.HIGHEST_PROTOCOL)


def column_number(letters: Any) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


# ---------------------------------------------------------------- sniffing


def sniff(content: bytes, filename: str) -> str:
    """What the bytes are, whatever the name says."""
    head = content[:8]
    if not content.strip():
        raise UnreadableFile("empty")
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    if content.startswith(b"%PDF"):
        raise UnreadableFile("not_spreadsheet", kind="PDF")
    if content[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"\xff\xd8\xff\xdb"):
        raise UnreadableFile("not_spreadsheet", kind="image")
    if content.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        raise UnreadableFile("not_spreadsheet", kind="archive")
    return "text"


# ---------------------------------------------------------------- xlsx / xls / ods (calamine)


def preflight_zip(content: bytes, limits: dict[str, int]) -> None:
    """Refuse zip bombs, encrypted zips, documents that are not workbooks and used ranges far
    beyond any roster, before calamine allocates anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableFile("damaged") from None
    names = {i.filename for i in infos}
    if "word/document.xml" in names:
        raise UnreadableFile("not_spreadsheet", kind="Word")
    if "ppt/presentation.xml" in names:
        raise UnreadableFile("not_spreadsheet", kind="PowerPoint")
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names and "content.xml" not in names:
        raise UnreadableFile("not_spreadsheet", kind="zip")
    if "xl/workbook.bin" in names:
        raise UnreadableFile("xlsb")
    if len(infos) > limits["max_zip_entries"]:
        raise UnreadableFile("zip_bomb")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFile("password")
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > 50_000_000 and ratio > limits["max_zip_ratio"]:
            raise UnreadableFile("zip_bomb")
    if total > limits["max_unzipped_bytes"]:
        raise UnreadableFile("zip_bomb")
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            rows, columns = used_range(archive, info)
            check_range(rows, columns, limits)


def used_range(archive: Any, info: Any) -> tuple[int, int]:
    """The largest row and column that hold a value, read as a stream (constant memory)."""
    rows = columns = 0
    tail = b""
    with archive.open(info) as stream:
        while True:
            block = stream.read(1 << 20)
            if not block:
                break
            text = tail + block
            for match in CELL_REF.finditer(text):
                columns = max(columns, column_number(match.group(1).decode()))
                rows = max(rows, int(match.group(2)))
            for match in ROW_REF.finditer(text):
                rows = max(rows, int(match.group(1)))
            tail = text[-200:]
    return rows, columns


def check_range(rows: int, columns: int, limits: dict[str, int]) -> None:
    if columns > limits["max_columns"] or rows > limits["max_rows"] or rows * columns > limits["max_cells"]:
        raise UnreadableFile("too_large", rows=rows, columns=columns)


def read_workbook(content: bytes, kind: str, limits: dict[str, int], emit: Callable[..., Any]) -> None:
    import python_calamine as calamine

    if kind == "ole":
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in content:
            raise UnreadableFile("password")  # an encrypted .xlsx is wrapped in an OLE container
        if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in content:
            raise UnreadableFile("not_spreadsheet", kind="Word")
    else:
        preflight_zip(content, limits)
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = book.sheets_metadata
    except calamine.PasswordError:
        raise UnreadableFile("password") from None
    except Exception:
        raise UnreadableFile("damaged") from None
    for meta in sheets:
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue
        visible = meta.visible == calamine.SheetVisibleEnum.Visible
        if not visible:
            emit("sheet", meta.name, False, 0)
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
        except calamine.PasswordError:
            raise UnreadableFile("password") from None
        except Exception:
            raise UnreadableFile("damaged") from None
        check_range(sheet.height, sheet.width, limits)
        emit("sheet", meta.name, True, sheet.height)
        # calamine (0.9) yields rows from the sheet's first row, blank ones included, so the
        # count is the spreadsheet's own row number; but each row starts at the first used
        # column, so the columns before it are put back (both tested).
        lead = [""] * (sheet.start[1] if sheet.start else 0)
        rows = sheet.iter_rows()
        emit_rows(enumerate((lead + row for row in rows) if lead else rows, start=1), emit)


def emit_rows(numbered: Any, emit: Callable[..., Any]) -> None:
    chunk = []
    for number, row in numbered:
        if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in row):
            continue
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        chunk.append((number, row))
        if len(chunk) >= CHUNK:
            emit("rows", chunk)
            chunk = []
    if chunk:
        emit("rows", chunk)


# ---------------------------------------------------------------- text: CSV, TSV, HTML


def decode(content: bytes, emit: Callable[..., Any]) -> tuple:
    """Text as Excel and Chinese government systems write it: UTF-8 with or without BOM,
    UTF-16 with BOM ("Unicode text"), or GB18030 (a superset of GBK and GB2312)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise UnreadableFile("encoding") from None
    if b"\x00" in content[:4096]:
        for encoding in ("utf-16-le", "utf-16-be"):  # UTF-16 saved without its BOM
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            sample = text[:4096]
            # A table has separators: bytes that merely decode are not one.
            if "\x00" not in sample and any(mark in sample for mark in ",\t\n"):
                emit("warning", "utf16_without_bom", {})
                return text, "UTF-16"
        raise UnreadableFile("not_spreadsheet", kind="binary")
    for encoding, label in (("utf-8-sig", "UTF-8"), ("gb18030", "GBK/GB18030")):
        try:
            return content.decode(encoding), label
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("encoding")


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")


def read_text(content: bytes, limits: dict[str, int], emit: Callable[..., Any]) -> None:
    text, encoding = decode(content, emit)
    sample = text[:8192]
    if sample and len(CONTROL.findall(sample)) > len(sample) // 100:
        raise UnreadableFile("not_spreadsheet", kind="binary")  # decodes, but as control characters
    stripped = text.lstrip()[:2000].lower()
    if stripped.startswith(("<html", "<!doctype html", "<table", "<meta", "<head")) or (
        "<table" in stripped and stripped.startswith("<")
    ):
        emit("warning", "html_table", {})
        return read_html(text, limits, emit)
    if stripped.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text[:5000]:
        raise UnreadableFile("xml_spreadsheet")
    first = first_line(text)
    delimiter = None
    directive = re.match(r"^\s*sep=(.)\s*$", first)
    if directive:  # Excel's "sep=;" line: names the delimiter, is not a row
        delimiter = directive.group(1)
        text = text[text.index(first) + len(first) :].lstrip("\r\n")
        first = first_line(text)
    elif first:
        counts = {d: first.count(d) for d in (",", "\t", ";")}
        delimiter = max(counts, key=lambda d: (counts[d], d == ","))
        if counts[delimiter] == 0:
            delimiter = ","
    if delimiter != ",":
        emit(
            "warning", "delimiter", {"delimiter": {"\t": "Tab", ";": ";"}.get(str(delimiter), str(delimiter))}
        )
    emit("sheet", "", True, text.count("\n") + 1)
    csv.field_size_limit(limits["max_cell_chars"])
    # Lines are cut from the one decoded string as they are read: io.StringIO would copy the
    # whole text again, four bytes a character.
    reader = csv.reader(_lines(text), delimiter=delimiter or ",")
    max_columns = limits["max_columns"]

    def rows() -> Any:
        try:
            for number, row in enumerate(reader, start=1):
                if len(row) > max_columns:
                    raise UnreadableFile("too_large", rows=number, columns=len(row))
                yield number, row
        except csv.Error:
            raise UnreadableFile("cell_too_long", limit=limits["max_cell_chars"]) from None

    emit("encoding", encoding)
    emit_rows(rows(), emit)


def _lines(text: str) -> Generator[Any, Any, None]:
    start, length = 0, len(text)
    while start < length:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def first_line(text: str) -> str:
    """The first line with content, found without splitting the whole text."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end].rstrip("\r")
        if line.strip():
            return line
        start = end + 1
    return ""


def read_html(text: str, limits: dict[str, int], emit: Callable[..., Any]) -> None:
    """An HTML table saved with an .xls name, as many government systems export."""
    import lxml.html

    try:
        document = lxml.html.document_fromstring(text)
    except Exception:
        raise UnreadableFile("damaged") from None
    tables = document.xpath("//table")
    if not tables:
        raise UnreadableFile("not_spreadsheet", kind="HTML")
    table = max(tables, key=lambda t: len(t.xpath(".//tr")))
    rows = table.xpath(".//tr")
    emit("sheet", "", True, len(rows))

    def numbered() -> Any:
        for number, tr in enumerate(rows, start=1):
            cells = [cell.text_content().strip() for cell in tr.xpath("./td|./th")]
            if len(cells) > limits["max_columns"]:
                raise UnreadableFile("too_large", rows=number, columns=len(cells))
            yield number, cells

    emit_rows(numbered(), emit)


def read(content: bytes, filename: str, limits: dict[str, int], emit: Callable[..., Any]) -> None:
    kind = sniff(content, filename)
    if kind == "text":
        read_text(content, limits, emit)
    else:
        read_workbook(content, kind, limits, emit)


def main() -> None:
    args = json.loads(sys.argv[1])
    content = sys.stdin.buffer.read(args["limits"]["max_bytes"] + 1)
    emit = Emitter(sys.stdout.buffer)
    try:
        if len(content) > args["limits"]["max_bytes"]:
            raise UnreadableFile("too_many_bytes", limit=args["limits"]["max_bytes"])
        read(content, args["filename"], args["limits"], emit)
    except UnreadableFile as refusal:
        emit("error", refusal.code, refusal.params)
    except MemoryError:
        emit("error", "too_large", {})
    except Exception as exc:  # the file is damaged in a way no reader names: say so, not crash
        emit("error", "damaged", {"detail": type(exc).__name__})
    else:
        emit("peak", _peak_kb())
        emit("done")
    sys.stdout.buffer.flush()


def _peak_kb() -> int:
    """This process's peak resident memory since it started reading (VmHWM: rusage would count
    the parent's pages shared at the fork)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    main()
