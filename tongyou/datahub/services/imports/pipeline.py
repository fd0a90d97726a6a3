"""Preview and commit. A preview checks every row, keeps the problems and stages the checked rows
(encrypted); a commit writes the staged rows in one transaction, or nothing."""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import logging
import re
import unicodedata
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import health
from tongyou.core.errors import Refusal
from tongyou.core.parallel import fewer_collections, pipelined
from tongyou.core.scoping import can, jurisdiction_path
from tongyou.core.spreadsheets import HEADER_SCAN_ROWS, FileError, Workbook, find_header
from tongyou.core.spreadsheets.cells import NAME_DOTS
from tongyou.privacy.crypto import decrypt
from tongyou.privacy.keys import keyring, keyring_document
from tongyou.privacy.masking import mask_name
from tongyou.privacy.names import pinyin_index

from ...codes import GuardianRelationship
from ...models import Child, Guardian, ImportBatch, LinkReview, Source
from ..columns import bulk_written
from ..linkage import AUTO_LINK, best_matches
from .bulk import insert_values
from .checking import FileState, Problem, RegionLookup, RowChecker, block_setup
from .sources import FACT_FIELDS, SOURCES
from .staging import Stager, StaleRows, split_place, staged_chunks

if TYPE_CHECKING:
    from tongyou.accounts.models import User
    from tongyou.datahub.services.imports.sources import SourceSpec

logger = logging.getLogger(__name__)
CHUNK = 5000
PROBLEMS_KEPT = 5000  # in the stored report; the counts are always complete


class AlreadyImported(Refusal):
    """The batch was committed (by this request's twin, or earlier): nothing failed."""


INTERRUPTED_AFTER = datetime.timedelta(minutes=30)
INSTRUCTION_SHEETS = {"说明", "填写说明", "Instructions"}


def progress_key(batch_id: Any) -> str:
    return f"tongyou:import-progress:{batch_id}"


def progress_of(batch: ImportBatch) -> tuple:
    """(processed, total) while a check or a commit runs; read from the cache, which a running
    transaction cannot hide."""
    progress = None
    with health.degraded(health.CACHE):  # progress is a nicety: an outage shows 0, nothing fails
        progress = cache.get(progress_key(batch.pk))
    if batch.status == ImportBatch.Status.CHECKING:
        return progress if isinstance(progress, tuple) else (0, 0)
    done = progress[0] if isinstance(progress, tuple) else progress
    return (done if done is not None else batch.processed_rows), batch.valid_rows


def already_imported(source: Source, sha256: Any) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(source=source, sha256=sha256, status=ImportBatch.Status.COMMITTED)
        .select_related("uploaded_by")
        .first()
    )


def _duplicate_message(previous: Any) -> str:
    return _(
        "This file was already imported on %(date)s by %(user)s (batch #%(id)d); nothing was changed."
    ) % {
        "date": timezone.localtime(previous.committed_at).strftime("%Y-%m-%d %H:%M"),
        "user": previous.uploaded_by.get_username(),
        "id": previous.pk,
    }


class _Report:
    """The problems found, with the rows they are on as uploaded (the first PROBLEMS_KEPT)."""

    def __init__(self) -> None:
        self.headers: list = []
        self.rows: dict = {}
        self.kept = 0

    def add(self, values: Any, problems: Any) -> None:
        for p in problems:
            if self.kept >= PROBLEMS_KEPT:
                return
            entry = self.rows.setdefault(
                (p.sheet, p.row),
                {"sheet": p.sheet, "row": p.row, "values": [_cell(x) for x in values], "problems": []},
            )
            entry["problems"].append([p.column, p.message, p.severity])
            self.kept += 1

    def json(self, file_error: str = "") -> str:
        rows = [self.rows[key] for key in sorted(self.rows)]
        return json.dumps(
            {"headers": self.headers, "rows": rows, "file_error": file_error}, ensure_ascii=False
        )


def _cell(value: object) -> int | float | str | None:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value if isinstance(value, (int, float, str)) or value is None else str(value)


def begin(source: Source, user: User, filename: str, content: bytes) -> ImportBatch:
    """A new batch for an uploaded file: status checking, or refused at once (a file already
    imported). Raises Refusal when the user may not import the source."""
    if not can(user, "datahub.import_source", source):
        raise Refusal(_("Your role or unit may not import %(source)s.") % {"source": source.name})
    sha256 = hashlib.sha256(content).hexdigest()
    batch = ImportBatch(source=source, uploaded_by=user, filename=filename[:255], sha256=sha256)
    previous = already_imported(source, sha256)
    if previous:
        batch.status, batch.message = ImportBatch.Status.REFUSED, _duplicate_message(previous)
    else:
        batch.status, batch.heartbeat = ImportBatch.Status.CHECKING, timezone.now()
    batch.save()
    return batch


def preview(
    source: Source, user: User, filename: str, content: bytes, today: datetime.date | None = None
) -> ImportBatch:
    """Check a file and stage its checked rows for a commit. Returns the batch (status previewed,
    refused or failed)."""
    batch = begin(source, user, filename, content)
    if batch.status == ImportBatch.Status.CHECKING:
        check(batch, content, today=today)
    return batch


def check(batch: ImportBatch, content: bytes, today: datetime.date | None = None) -> Any:
    """Check every row of the batch's file and stage the checked rows. Never leaves the batch
    checking or rows staged for a file that failed: whatever goes wrong, the staged rows are
    removed and the batch says why."""
    spec = SOURCES[batch.source.code]
    stager = Stager(batch)
    try:
        with fewer_collections():
            _check(batch, spec, content, stager, today)
    except FileError as exc:
        stager.discard()
        batch.status, batch.message = ImportBatch.Status.REFUSED, str(exc)
        batch.error_count = max(batch.error_count, 1)
        batch.report = json.dumps({"headers": [], "rows": [], "file_error": str(exc)}, ensure_ascii=False)
        batch.save()
    except Exception as exc:
        logger.exception("Checking import batch %s failed", batch.pk)
        stager.discard()
        batch.status = ImportBatch.Status.FAILED
        batch.message = _(
            "The check stopped on an unexpected error (%(error)s); nothing was kept. "
            "Upload the file again, or send it to the administrator."
        ) % {"error": type(exc).__name__}
        batch.save()
    finally:
        with health.degraded(health.CACHE):
            cache.delete(progress_key(batch.pk))
    record(
        AuditEntry.Action.CREATE,
        user=batch.uploaded_by,
        obj=batch,
        details={
            "preview": True,
            "source": batch.source.code,
            "rows": batch.total_rows,
            "errors": batch.error_count,
            "status": batch.status,
        },
    )
    return batch


def _check(
    batch: ImportBatch, spec: SourceSpec, content: bytes, stager: Stager, today: datetime.date | None
) -> None:
    user = batch.uploaded_by
    names = {c.key: c.names for c in spec.columns}
    required = [c for c in spec.columns if c.required]
    partial = None  # the best header among sheets that name too few columns, for the message
    state = FileState()
    report = _Report()
    counts = _Counts()
    sheets = []
    with Workbook(batch.filename, content) as book:
        for sheet in book.sheets():
            if not sheet.visible:
                sheets.append({"name": sheet.name, "read": False, "why": "hidden"})
                continue
            head = list(itertools.islice(sheet.rows, HEADER_SCAN_ROWS))
            if not head:
                continue
            match = find_header(head, names)
            missing = [
                c for c in spec.columns if c.required and (match is None or c.key not in match.positions)
            ]
            if match is None or len(match.positions) < max(2, len(required) // 2):
                # Names a column or two at most (统计: 班级, 人数): not a roster, not read.
                if match is not None and (
                    partial is None or len(match.positions) > len(partial[1].positions)
                ):
                    partial = (sheet.name, match, missing)
                if sheet.name not in INSTRUCTION_SHEETS:
                    sheets.append({"name": sheet.name, "read": False, "why": "no_columns"})
                continue
            if missing:
                raise FileError(_header_message(sheet.name, match, spec, missing))
            report.headers = report.headers or match.headers
            sheets.append({"name": sheet.name, "read": True, "header_row": match.row, "rows": 0})
            unknown = [
                Problem(
                    match.row,
                    header,
                    _("Column '%(name)s' is not in the template and was ignored.") % {"name": header},
                    "warning",
                    sheet.name,
                )
                for header in match.unknown
            ]
            report.add(match.headers, unknown)
            counts.warnings += len(unknown)
            state.place(sheet.name, 0)  # sheets are indexed in the order read, as batch.sheets lists them
            checker = RowChecker(spec, match.positions, user, today=today, sheet=sheet.name, state=state)
            rows = itertools.chain((r for r in head if r[0] > match.row), sheet.rows)
            before = counts.total
            _check_rows(batch, spec, checker, rows, report, counts, stager, sheet.estimated_rows)
            sheets[-1]["rows"] = counts.total - before
        warnings = list(book.warnings)
    if not any(s["read"] for s in sheets):
        if partial:
            raise FileError(_header_message(*partial[:2], spec, partial[2]))
        raise FileError(_no_header_message(spec))
    unread = [s["name"] for s in sheets if not s["read"]]
    for name in unread:
        why = next(s["why"] for s in sheets if s["name"] == name)
        message = (
            _("The hidden sheet '%(name)s' was not read.")
            if why == "hidden"
            else _("The sheet '%(name)s' has no template columns and was not read.")
        ) % {"name": name}
        warnings.append(message)
    batch.message = "\n".join(warnings)
    batch.total_rows, batch.valid_rows = counts.total, counts.valid
    batch.error_count, batch.warning_count = counts.errors, counts.warnings + len(warnings)
    batch.confirm_count = counts.confirms
    batch.report = report.json()
    batch.children_matched, batch.children_created = counts.matched, counts.with_id - counts.matched
    batch.status = ImportBatch.Status.PREVIEWED
    if batch.error_count:
        stager.discard()
    batch.sheets = sheets
    batch.save()


class _Counts:
    def __init__(self) -> None:
        self.total = self.valid = self.errors = self.warnings = self.confirms = 0
        self.matched = self.with_id = 0


def _check_rows(
    batch: ImportBatch,
    spec: SourceSpec,
    checker: RowChecker,
    rows: Iterable[Any],
    report: Any,
    counts: Any,
    stager: Stager,
    estimated: Any,
) -> None:
    """Each block of rows is checked on its own (check_block) — for a large file shared with a
    helper process on the second core — then, here and in the file's order, against the rows
    before it and the index."""
    helper = estimated >= settings.IMPORT_CHECK_HELPER_ROWS
    setup = block_setup(checker, translation.get_language() or settings.LANGUAGE_CODE, uuid.uuid4().hex)
    sent: deque = deque()

    def blocks() -> Iterator[list]:
        for block in itertools.batched(rows, CHUNK):
            sent.append(block)
            yield list(block)

    answers = pipelined(
        "tongyou.datahub.services.imports.checking:check_block",
        setup,
        blocks(),
        in_process=not helper,
        share=True,
        ahead=4,  # the helper is never idle while this process checks a block itself
        kept_here=16,  # ~3 s of blocks: Django starts in the helper meanwhile
        django=True,
        environment={"TONGYOU_KEYS": keyring_document(keyring())},
    )
    for answer in answers:
        block: list[tuple[int, Any, dict | None, list[Problem]]] = []
        for (row_number, values), (_row, kept, found) in zip(sent.popleft(), answer["rows"], strict=True):
            parsed: dict | None = dict(zip(setup["kept"], kept, strict=True))
            problems = [checker.problem(row_number, *p) for p in found] if found else []
            problems += checker.check_repeats(row_number, parsed)
            if problems and any(p.severity == "error" for p in problems):
                parsed = None
            block.append((row_number, values, parsed, problems))
        _finish_block(spec, checker, block, report, counts)
        if not counts.errors:  # once a row fails, nothing will be committed: stop staging
            stager.store(answer["staged"])
        _report_check_progress(batch, counts.total, estimated)


def _finish_block(spec: SourceSpec, checker: Any, block: Any, report: Any, counts: Any) -> None:
    """Rows checked, then against the index a block at a time: an ID number already held for a
    child of another name is not attached silently."""
    indexes = {p["id_number_index"] for _r, _v, p, _problems in block if p is not None and p.get("id_number")}
    known = names_by_blind_index(indexes)
    counts.with_id += len(indexes)
    counts.matched += len(known)
    for row, values, parsed, problems in block:
        counts.total += 1
        if parsed is not None and spec.code != "household" and parsed.get("id_number_index") in known:
            held = known[parsed["id_number_index"]]
            if canonical_name(held) != canonical_name(parsed["name"]):
                problems.append(
                    checker.problem(
                        row,
                        spec.column("name").header,
                        _(
                            "This ID number belongs to a child registered as %(held)s, not %(given)s. "
                            "Check the name and the number against the ID card or household register."
                        )
                        % {"held": mask_name(held), "given": parsed["name"]},
                    )
                )
                parsed = None
        if problems:
            report.add(values, problems)
            for p in problems:
                if p.severity == "error":
                    counts.errors += 1
                elif p.severity == "confirm":
                    counts.confirms += 1
                else:
                    counts.warnings += 1
        if parsed is not None:
            counts.valid += 1


def _report_check_progress(batch: ImportBatch, done: Any, estimated: Any) -> None:
    with health.degraded(health.CACHE):
        cache.set(progress_key(batch.pk), (done, max(done, estimated)), 3600)
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat=timezone.now())


def _header_message(sheet: str, match: Any, spec: SourceSpec, missing: Any) -> str:
    where = _("sheet '%(sheet)s', ") % {"sheet": sheet} if sheet else ""
    return _(
        "The header was taken from %(where)srow %(row)d, which lacks the columns %(missing)s. "
        "Expected columns: %(expected)s."
    ) % {
        "where": where,
        "row": match.row,
        "missing": "、".join(c.header for c in missing),
        "expected": "、".join(c.header for c in spec.columns),
    }


def _no_header_message(spec: SourceSpec) -> str:
    return _(
        "No header row naming the template's columns was found in the first %(n)d rows. "
        "Expected columns: %(expected)s."
    ) % {"n": HEADER_SCAN_ROWS, "expected": "、".join(c.header for c in spec.columns)}


def canonical_name(name: str) -> str:
    """A name as compared: width folded, spaces gone, one middle dot."""
    text = unicodedata.normalize("NFKC", name or "")
    return NAME_DOTS.sub("·", re.sub(r"\s+", "", text))


def names_by_blind_index(indexes: Any) -> dict:
    """{blind index: name} for the children among `indexes` held in the index (one plain query,
    as ids_by_blind_index)."""
    context = f"{Child._meta.label_lower}.name"
    return {index: decrypt(held, context) for index, held in _by_blind_index(indexes, "name").items()}


def claim(batch: ImportBatch, user: User, confirmed: bool = False) -> None:
    """Take the batch for a commit: checked once more, then moved from previewed to importing
    in one conditional UPDATE, so two clicks (or two requests) cannot both commit it. Raises
    AlreadyImported when it was committed already, Refusal with the reason otherwise."""
    if batch.error_count:
        raise Refusal(
            _("The file has %(n)d problems to fix first; nothing was imported.") % {"n": batch.error_count}
        )
    if batch.uploaded_by_id != user.pk or not can(user, "datahub.import_source", batch.source):
        raise Refusal(_("Only the person who uploaded a file may import it."))
    if batch.confirm_count and not confirmed:
        raise Refusal(
            _("Confirm the %(n)d rows marked for checking before importing.") % {"n": batch.confirm_count}
        )
    taken = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.RUNNING, heartbeat=timezone.now()
    )
    if not taken:
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.COMMITTED:
            raise AlreadyImported(
                _("This file was imported on %(date)s; nothing more to do.")
                % {"date": timezone.localtime(batch.committed_at).strftime("%Y-%m-%d %H:%M")}
            )
        if batch.status == ImportBatch.Status.RUNNING:
            raise AlreadyImported(_("This file is being imported now; the page shows its progress."))
        raise Refusal(
            _("Only a previewed file can be imported (this one is %(status)s).")
            % {"status": batch.get_status_display()}
        )
    batch.status = ImportBatch.Status.RUNNING


def commit(
    batch: ImportBatch, user: User, on_progress: Callable[..., Any] | None = None, confirmed: bool = False
) -> Any:
    """Write the previewed file's checked rows: every row or none. Raises Refusal with the
    reason (AlreadyImported if it was imported already)."""
    claim(batch, user, confirmed=confirmed)
    return write(batch, user, on_progress=on_progress)


def write(batch: ImportBatch, user: User, on_progress: Callable[..., Any] | None = None) -> Any:
    """The commit of a claimed batch. Each row's regions are confirmed again (still in the
    district, still in the user's jurisdiction) as it is written, inside one transaction."""
    try:
        previous = already_imported(batch.source, batch.sha256)
        if previous:
            raise Refusal(_duplicate_message(previous))
        spec = SOURCES[batch.source.code]
        if batch.valid_rows and not batch.staged.exists():
            raise Refusal(_("The file no longer passes its checks; upload it again to see why."))
        regions = {r.pk: r for r in RegionLookup().by_code.values()}
        # A large file's chunks are prepared on the second core while this process writes.
        helper = batch.valid_rows >= settings.IMPORT_HELPER_ROWS
        chunks = staged_chunks(batch, spec, regions, jurisdiction_path(user) or "/nowhere/", helper)
        sheets = [s["name"] for s in batch.sheets if s.get("read")] or [""]
        with transaction.atomic(), fewer_collections():
            matched = created = done = updated = 0
            without_id: list = []
            single = sheets[0] if len(sheets) == 1 else None
            for chunk in chunks:
                with_id: list = []
                for place, p in chunk:
                    located = (single, place) if single is not None else _located(place, sheets)
                    (with_id if p.get("id_number") else without_id).append((located, p))
                m, c, u = _write_chunk(batch, spec, with_id)
                matched, created, updated, done = matched + m, created + c, updated + u, done + len(chunk)
                _report_progress(batch, done, batch.valid_rows, on_progress)
            linked, new, reviews = link_without_id(batch, without_id)
            bulk_written()  # rows went in without model signals
            batch.status = ImportBatch.Status.COMMITTED
            batch.children_matched, batch.children_created = matched + linked, created + new
            batch.reviews_created = reviews
            batch.facts_updated = updated
            batch.processed_rows = done
            batch.committed_at = timezone.now()
            batch.save()
            batch.staged.all().delete()
            record(
                AuditEntry.Action.BULK_LOAD,
                user=user,
                obj=batch,
                details={
                    "source": batch.source.code,
                    "rows": done,
                    "children_matched": batch.children_matched,
                    "children_created": batch.children_created,
                    "facts_updated": updated,
                    "confirmed": batch.confirm_count,
                    "reviews": reviews,
                },
            )
    except StaleRows as exc:
        _release(batch)
        raise Refusal(str(exc)) from None
    except IntegrityError:
        _release(batch)
        previous = already_imported(batch.source, batch.sha256)
        if previous:
            raise Refusal(_duplicate_message(previous)) from None
        raise
    except Refusal:
        _release(batch)
        raise
    except Exception as exc:
        logger.exception("Import batch %s failed", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED,
            message=_(
                "The import failed and nothing was written (%(error)s). Try again, or ask the administrator."
            )
            % {"error": type(exc).__name__},
        )
        raise
    finally:
        with health.degraded(health.CACHE):
            cache.delete(progress_key(batch.pk))
    return batch


def _release(batch: ImportBatch) -> None:
    """Back to previewed after a refused commit (this process holds the claim)."""
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.RUNNING).update(
        status=ImportBatch.Status.PREVIEWED
    )
    batch.status = ImportBatch.Status.PREVIEWED


def _located(place: int, sheets: Any) -> tuple:
    """(sheet name, row number) of a staged row's place."""
    index, row = split_place(place)
    return (sheets[index] if index < len(sheets) else "", row)


def sweep_interrupted(now: datetime.datetime | None = None) -> int:
    """Batches a restart interrupted: a check that stopped leaves nothing staged and says so; a
    commit that stopped was rolled back by the database, and goes back to previewed with its
    staged rows, ready to import again. Returns how many were found."""
    cutoff = (now or timezone.now()) - INTERRUPTED_AFTER
    stale = ImportBatch.objects.filter(heartbeat__lt=cutoff)
    found = 0
    for batch in stale.filter(status=ImportBatch.Status.CHECKING):
        batch.staged.all().delete()
        found += ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKING).update(
            status=ImportBatch.Status.FAILED,
            message=_(
                "The check was interrupted (the server restarted); nothing was kept. Upload the file again."
            ),
        )
    found += stale.filter(status=ImportBatch.Status.RUNNING).update(
        status=ImportBatch.Status.PREVIEWED,
        message=_(
            "The import was interrupted (the server restarted) and nothing was written; import it again."
        ),
    )
    return found


def _write_chunk(
    batch: ImportBatch, spec: SourceSpec, chunk: list[Any]
) -> tuple[int, int, int] | tuple[int, int, int]:
    """Rows with an ID number link exactly through the blind index. Returns (matched, created,
    facts updated). Rows go to the database as parameter lists, without model instances
    (benchmarks/datahub_import.py)."""
    if not chunk:
        return 0, 0, 0
    index_of = {p["id_number"]: p["id_number_index"] for _n, p in chunk}
    child_ids = ids_by_blind_index(index_of.values())
    known = set(child_ids)
    new: dict[str, dict] = {}  # a child on several rows (two doses) is one new child
    for _n, p in chunk:
        if p["id_number_index"] not in known and p["id_number_index"] not in new:
            new[p["id_number_index"]] = _sealed_child_values(p)
    new_children = list(new.values())
    insert_values(Child, new_children, prepared={"name", "id_number"})
    if new_children:
        child_ids |= ids_by_blind_index([c["id_number_index"] for c in new_children])
    if spec.code == "household":
        _correct_identities(chunk, index_of, known)
    updated = 0
    if spec.fact_model is not None:
        existing = {child_ids[i] for i in known}
        updated = _write_facts(batch, spec, chunk, child_ids, index_of, existing)
    if spec.code == "births":
        for _row, p in chunk:
            add_mother(Child.objects.get(pk=child_ids[index_of[p["id_number"]]]), p, batch)
    return len(chunk) - len(new_children), len(new_children), updated


def ids_by_blind_index(indexes: Any) -> dict:
    """{blind index: child id} for the children among `indexes` (a few thousand at a time)."""
    return _by_blind_index(indexes, "id")


def _by_blind_index(indexes: Any, column: str) -> dict:
    """{blind index: column} for the children among `indexes`. A plain parameterised query:
    Django would prepare each of the thousands of IN values one by one
    (benchmarks/datahub_import.py)."""
    indexes = list(indexes)
    if not indexes:
        return {}
    connection = connections[router.db_for_read(Child)]
    table = connection.ops.quote_name(Child._meta.db_table)
    placeholders = ", ".join(["%s"] * len(indexes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number_index, {connection.ops.quote_name(column)} FROM {table} "  # noqa: S608
            f"WHERE id_number_index IN ({placeholders})",
            indexes,
        )
        return dict(cursor.fetchall())


def _correct_identities(chunk: list[Any], index_of: Any, known: Any) -> None:
    """Household registration is the authority on a person's identity and registration."""
    rows = {index_of[p["id_number"]]: p for _n, p in chunk if index_of[p["id_number"]] in known}
    children = list(Child.objects.filter(id_number_index__in=rows))
    for child in children:
        p = rows[child.id_number_index]
        child.name, child.sex, child.birth_date = p["name"], p["sex"], p["birth_date"]
        child.name_index, child.name_pinyin_index = p["name_index"], p["name_pinyin_index"]
        child.ethnicity = p.get("ethnicity") or child.ethnicity
        child.household_region = p.get("household_region") or child.household_region
    Child.objects.bulk_update(
        children,
        ["name", "name_index", "name_pinyin_index", "sex", "birth_date", "ethnicity", "household_region"],
    )


def _child_values(p: dict[str, Any]) -> dict[str, Any]:
    """A new child's field values from a checked row, in plain text (its save() derives the
    indexes)."""
    household = p.get("household_region")
    return {
        "name": p["name"],
        "sex": p["sex"],
        "birth_date": p["birth_date"],
        "id_number": p.get("id_number") or "",
        "ethnicity": p.get("ethnicity") or "01",
        "residence_region_id": p["residence"].pk,
        "household_region_id": household.pk if household else None,
        "is_synthetic": False,
    }


def _sealed_child_values(p: dict[str, Any]) -> dict[str, Any]:
    """The same for an INSERT of a row with an ID number: name and number as the preparer
    encrypted them, with its blind indexes (preparing.py)."""
    return _child_values(p) | {
        "name": p["sealed_name"],
        "name_index": p["name_index"],
        "name_pinyin_index": p["name_pinyin_index"],
        "id_number": p["sealed_id_number"],
        "id_number_index": p["id_number_index"],
    }


def _report_progress(
    batch: ImportBatch, done: Any, total: Any, on_progress: Callable[..., Any] | None
) -> None:
    with health.degraded(health.CACHE):
        cache.set(progress_key(batch.pk), done, 3600)
    if on_progress:
        on_progress(done, total)


def new_child(p: dict[str, Any]) -> Child:
    """An unsaved Child from a checked row (its save() derives the blind index and pinyin)."""
    return Child(**_child_values(p))


def add_mother(child: Child, p: dict, batch: ImportBatch | None) -> Guardian | None:
    """The mother named in a birth record, unless the child already has a guardian of that name."""
    # Names are encrypted: compared after reading (a child has a guardian or two).
    if not p.get("guardian") or any(g.name == p["guardian"] for g in child.guardians.all()):
        return None
    return Guardian.objects.create(
        child=child,
        name=p["guardian"],
        relationship=GuardianRelationship.MOTHER,
        phone=p.get("guardian_phone") or "",
        batch=batch,
    )


def link_without_id(batch: ImportBatch, rows: Iterable[Any]) -> tuple[int, int, int]:
    """Records without an ID number: linked when Splink is sure, queued for a person when it is not,
    new children otherwise. Returns (linked, created, queued)."""
    if not rows:
        return 0, 0, 0
    dates = {p["birth_date"] for _n, p in rows}
    names = {pinyin_index(p["name"]) for _n, p in rows}
    candidates = list(
        Child.objects.filter(Q(birth_date__in=dates) | Q(name_pinyin_index__in=names))
        .select_related("residence_region")
        .prefetch_related("guardians")
    )
    records = [
        {
            "name": p["name"],
            "guardian": p.get("guardian"),
            "sex": p["sex"],
            "birth_date": p["birth_date"],
            "community": p["residence"].community_code,
        }
        for _n, p in rows
    ]
    best = best_matches(records, candidates)
    linked = created = queued = 0
    for index, (row, p) in enumerate(rows):
        match = best.get(index)
        if match and match[1] >= AUTO_LINK:
            add_mother(match[0], p, batch)
            linked += 1
        elif match:
            LinkReview.objects.create(
                batch=batch,
                sheet=row[0],
                row_number=row[1],
                region=p["residence"],
                record=json.dumps(record_of(p), ensure_ascii=False),
                candidate=match[0],
                match_probability=match[1],
            )
            queued += 1
        else:
            child = new_child(p)
            child.save()
            add_mother(child, p, batch)
            created += 1
    return linked, created, queued


def record_of(p: dict[str, Any]) -> dict[str, Any]:
    """A parsed row as JSON-ready values (for the review queue)."""
    return {
        "name": p["name"],
        "sex": p["sex"],
        "birth_date": p["birth_date"].isoformat(),
        "ethnicity": p.get("ethnicity") or "",
        "guardian": p.get("guardian") or "",
        "guardian_phone": p.get("guardian_phone") or "",
        "residence": p["residence"].code,
    }


def _write_facts(
    batch: ImportBatch, spec: SourceSpec, chunk: list[Any], child_ids: Any, index_of: Any, existing: Any
) -> int:
    """Facts with their provenance. A row that is the same fact as one already held (the
    source's fact identity: the same school and start date, say) updates it — a 离校日期 now
    filled closes the enrolment — and an identical one is left alone. Returns facts updated."""
    fact_model: Any = spec.fact_model
    fields = FACT_FIELDS[spec.code]
    identity = spec.fact_identity
    ids = [child_ids[index_of[p["id_number"]]] for _n, p in chunk]
    held = {}
    if existing:
        rows = fact_model.objects.filter(child_id__in=existing).order_by("pk")
        for pk, child_id, valid_from, valid_to, *values in rows.values_list(
            "pk", "child_id", "valid_from", "valid_to", *fields
        ):
            fact = dict(zip(fields, values, strict=True), valid_from=valid_from, valid_to=valid_to)
            held[(child_id, *(fact[k] for k in identity))] = (pk, fact)  # the latest one wins
    facts, changed = [], []
    unit_id, batch_id = batch.source.unit_id, batch.pk
    for ((sheet, row), p), child_id in zip(chunk, ids, strict=True):
        values = {f: p.get(f) or "" for f in fields}
        values["valid_from"], values["valid_to"] = p["valid_from"], p.get("valid_to")
        if child_id not in existing:
            # A new child holds nothing yet, and the check refused the same fact twice in a file.
            values.update(child_id=child_id, unit_id=unit_id, batch_id=batch_id, row_number=row, sheet=sheet)
            facts.append(values)
            continue
        key = (child_id, *[values[k] for k in identity])
        if key in held:
            pk, fact = held[key]
            if pk is not None and fact != values:
                changed.append(
                    fact_model(
                        pk=pk,
                        child_id=child_id,
                        unit_id=unit_id,
                        batch_id=batch_id,
                        row_number=row,
                        sheet=sheet,
                        **values,
                    )
                )
            held[key] = (pk, values)
            continue
        held[key] = (None, values)
        fact = dict(values)
        fact.update(child_id=child_id, unit_id=unit_id, batch_id=batch_id, row_number=row, sheet=sheet)
        facts.append(fact)
    insert_values(fact_model, facts)
    if changed:
        fact_model.objects.bulk_update(
            changed, [*fields, "valid_from", "valid_to", "unit", "batch", "row_number", "sheet"]
        )
    return len(changed)


def sources_for(user: User) -> list:
    return [s for s in Source.objects.select_related("unit") if can(user, "datahub.import_source", s)]
