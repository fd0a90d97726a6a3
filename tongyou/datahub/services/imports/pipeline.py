"""Preview and commit. A preview checks every row, keeps the problems and stages the checked rows
(encrypted); a commit writes the staged rows in one transaction, or nothing."""

import datetime
import hashlib
import json
import logging

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import can, jurisdiction_path
from tongyou.privacy.blind_index import blind_index
from tongyou.privacy.names import pinyin_key

from ...codes import GuardianRelationship
from ...models import ID_INDEX_PURPOSE, Child, Guardian, ImportBatch, LinkReview, Source
from ..columns import counts_changed
from ..linkage import AUTO_LINK, best_matches
from .bulk import insert_values
from .checking import RegionLookup, RowChecker
from .readers import FileError, read_table
from .sources import FACT_FIELDS, SOURCES
from .staging import Stager, StaleRows, staged_chunks

logger = logging.getLogger(__name__)
CHUNK = 5000
PROBLEMS_KEPT = 5000  # in the stored report; the counts are always complete


class ImportRefused(ValueError):
    pass


def progress_key(batch_id):
    return f"tongyou:import-progress:{batch_id}"


def progress_of(batch):
    """(processed, total) while a commit runs; read from the cache, which a running transaction
    cannot hide."""
    done = cache.get(progress_key(batch.pk))
    return (done if done is not None else batch.processed_rows), batch.valid_rows


def already_imported(source, sha256):
    return (
        ImportBatch.objects.filter(source=source, sha256=sha256, status=ImportBatch.Status.COMMITTED)
        .select_related("uploaded_by")
        .first()
    )


def _duplicate_message(previous):
    return _(
        "This file was already imported on %(date)s by %(user)s (batch #%(id)d); nothing was changed."
    ) % {
        "date": timezone.localtime(previous.committed_at).strftime("%Y-%m-%d %H:%M"),
        "user": previous.uploaded_by.get_username(),
        "id": previous.pk,
    }


class _Report:
    """The problems found, with the rows they are on as uploaded (the first PROBLEMS_KEPT)."""

    def __init__(self, headers):
        self.headers = headers
        self.rows = {}
        self.kept = 0

    def add(self, row_number, values, problems):
        for p in problems:
            if self.kept >= PROBLEMS_KEPT:
                return
            entry = self.rows.setdefault(
                p.row, {"row": p.row, "values": [_cell(x) for x in values], "problems": []}
            )
            entry["problems"].append([p.column, p.message, p.severity])
            self.kept += 1

    def json(self, file_error=""):
        rows = [self.rows[n] for n in sorted(self.rows)]
        return json.dumps(
            {"headers": self.headers, "rows": rows, "file_error": file_error}, ensure_ascii=False
        )


def _cell(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value if isinstance(value, (int, float, str)) or value is None else str(value)


def _open(filename, content, spec, user, today):
    headers, rows = read_table(filename, content)
    return headers, rows, RowChecker(spec, headers, user, today=today)


def preview(source, user, filename, content, today=None):
    """Check a file and stage its checked rows for a commit. Returns the batch (status previewed
    or refused)."""
    if not can(user, "datahub.import_source", source):
        raise ImportRefused(_("Your role or unit may not import %(source)s.") % {"source": source.name})
    sha256 = hashlib.sha256(content).hexdigest()
    batch = ImportBatch(source=source, uploaded_by=user, filename=filename[:255], sha256=sha256)
    previous = already_imported(source, sha256)
    if previous:
        batch.status, batch.message = ImportBatch.Status.REFUSED, _duplicate_message(previous)
        batch.save()
        return batch
    spec = SOURCES[source.code]
    try:
        headers, rows, checker = _open(filename, content, spec, user, today)
    except FileError as exc:
        batch.status, batch.message = ImportBatch.Status.REFUSED, str(exc)
        batch.save()
        return batch
    batch.status = ImportBatch.Status.CHECKING
    batch.save()
    stager = Stager(batch, spec, CHUNK)
    report = _Report(headers)
    report.add(1, headers, checker.header_problems)
    errors = warnings = total = valid = matched = with_id = 0
    pending = []
    if not checker.file_error:
        for row_number, values in rows:
            parsed, problems = checker.check(row_number, values)
            total += 1
            if problems:
                report.add(row_number, values, problems)
                errors += sum(p.severity == "error" for p in problems)
                warnings += sum(p.severity == "warning" for p in problems)
            if parsed is not None:
                valid += 1
                if parsed.get("id_number"):
                    parsed["id_number_index"] = blind_index(parsed["id_number"], ID_INDEX_PURPOSE)
                    pending.append(parsed["id_number_index"])
                if not errors:  # once a row fails, nothing will be committed: stop staging
                    stager.add(row_number, parsed)
            if len(pending) >= CHUNK:
                matched += len(ids_by_blind_index(pending))
                with_id += len(pending)
                pending = []
        matched += len(ids_by_blind_index(pending))
        with_id += len(pending)
    batch.total_rows, batch.valid_rows = total, valid
    batch.error_count = errors + (1 if checker.file_error else 0)
    batch.warning_count = warnings + len(checker.header_problems)
    batch.report = report.json(checker.file_error)
    batch.children_matched, batch.children_created = matched, with_id - matched
    if checker.file_error:
        batch.status, batch.message = ImportBatch.Status.REFUSED, checker.file_error
    else:
        batch.status = ImportBatch.Status.PREVIEWED
    if batch.error_count:
        stager.discard()
    else:
        stager.flush()
    batch.save()
    record(
        AuditEntry.Action.CREATE,
        user=user,
        obj=batch,
        details={
            "preview": True,
            "source": source.code,
            "rows": batch.total_rows,
            "errors": batch.error_count,
        },
    )
    return batch


def commit(batch, user, on_progress=None):
    """Write the previewed file's checked rows: every row or none. Raises ImportRefused with the
    reason. Each row's regions are confirmed again (still in the district, still in the user's
    jurisdiction) as it is written, inside one transaction."""
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ImportRefused(
            _("Only a previewed file can be imported (this one is %(status)s).")
            % {"status": batch.get_status_display()}
        )
    if batch.error_count:
        raise ImportRefused(
            _("The file has %(n)d problems to fix first; nothing was imported.") % {"n": batch.error_count}
        )
    if batch.uploaded_by_id != user.pk or not can(user, "datahub.import_source", batch.source):
        raise ImportRefused(_("Only the person who uploaded a file may import it."))
    previous = already_imported(batch.source, batch.sha256)
    if previous:
        raise ImportRefused(_duplicate_message(previous))
    spec = SOURCES[batch.source.code]
    if batch.valid_rows and not batch.staged.exists():
        raise ImportRefused(_("The file no longer passes its checks; upload it again to see why."))
    regions = {r.pk: r for r in RegionLookup().by_code.values()}
    chunks = staged_chunks(batch, spec, regions, jurisdiction_path(user) or "/nowhere/")
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    try:
        with transaction.atomic():
            matched = created = done = 0
            without_id = []
            for chunk in chunks:
                with_id = [(n, p) for n, p in chunk if p.get("id_number")]
                without_id += [(n, p) for n, p in chunk if not p.get("id_number")]
                m, c = _write_chunk(batch, spec, with_id)
                matched, created, done = matched + m, created + c, done + len(chunk)
                _report_progress(batch, done, batch.valid_rows, on_progress)
            linked, new, reviews = link_without_id(batch, without_id)
            counts_changed()  # rows went in without model signals
            batch.status = ImportBatch.Status.COMMITTED
            batch.children_matched, batch.children_created = matched + linked, created + new
            batch.reviews_created = reviews
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
                    "reviews": reviews,
                },
            )
    except StaleRows as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PREVIEWED)
        raise ImportRefused(str(exc)) from None
    except ImportRefused:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PREVIEWED)
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
        cache.delete(progress_key(batch.pk))
    return batch


def _write_chunk(batch, spec, chunk):
    """Rows with an ID number link exactly through the blind index. Returns (matched, created).
    Rows go to the database as parameter lists, without model instances (benchmarks/datahub_import.py)."""
    if not chunk:
        return 0, 0
    index_of = {p["id_number"]: p["id_number_index"] for _n, p in chunk}
    child_ids = ids_by_blind_index(index_of.values())
    known = set(child_ids)
    new_children = [
        _child_values(p, index_of[p["id_number"]]) for _n, p in chunk if index_of[p["id_number"]] not in known
    ]
    insert_values(Child, new_children)
    if new_children:
        child_ids |= ids_by_blind_index([c["id_number_index"] for c in new_children])
    if spec.code == "household":
        _correct_identities(chunk, index_of, known)
    if spec.fact_model is not None:
        existing = {child_ids[i] for i in known}
        _write_facts(batch, spec.fact_model, FACT_FIELDS[spec.code], chunk, child_ids, index_of, existing)
    if spec.code == "births":
        for _row, p in chunk:
            add_mother(Child.objects.get(pk=child_ids[index_of[p["id_number"]]]), p, batch)
    return len(chunk) - len(new_children), len(new_children)


def ids_by_blind_index(indexes):
    """{blind index: child id} for the children among `indexes` (a few thousand at a time). A plain
    parameterised query: Django would prepare each of the thousands of IN values one by one
    (benchmarks/datahub_import.py)."""
    indexes = list(indexes)
    if not indexes:
        return {}
    connection = connections[router.db_for_read(Child)]
    table = connection.ops.quote_name(Child._meta.db_table)
    placeholders = ", ".join(["%s"] * len(indexes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number_index, id FROM {table} WHERE id_number_index IN ({placeholders})",  # noqa: S608
            indexes,
        )
        return dict(cursor.fetchall())


def _correct_identities(chunk, index_of, known):
    """Household registration is the authority on a person's identity and registration."""
    rows = {index_of[p["id_number"]]: p for _n, p in chunk if index_of[p["id_number"]] in known}
    children = list(Child.objects.filter(id_number_index__in=rows))
    for child in children:
        p = rows[child.id_number_index]
        child.name, child.sex, child.birth_date = p["name"], p["sex"], p["birth_date"]
        child.name_pinyin = pinyin_key(p["name"])
        child.ethnicity = p.get("ethnicity") or child.ethnicity
        child.household_region = p.get("household_region") or child.household_region
    Child.objects.bulk_update(
        children, ["name", "name_pinyin", "sex", "birth_date", "ethnicity", "household_region"]
    )


def _child_values(p, id_index=""):
    household = p.get("household_region")
    return {
        "name": p["name"],
        "name_pinyin": pinyin_key(p["name"]),
        "sex": p["sex"],
        "birth_date": p["birth_date"],
        "id_number": p.get("id_number") or "",
        "id_number_index": id_index,
        "ethnicity": p.get("ethnicity") or "01",
        "residence_region_id": p["residence"].pk,
        "household_region_id": household.pk if household else None,
        "is_synthetic": False,
    }


def _report_progress(batch, done, total, on_progress):
    cache.set(progress_key(batch.pk), done, 3600)
    if on_progress:
        on_progress(done, total)


def new_child(p):
    """An unsaved Child from a checked row (its save() derives the blind index and pinyin)."""
    return Child(**_child_values(p))


def add_mother(child, p, batch):
    """The mother named in a birth record, unless the child already has a guardian of that name."""
    if not p.get("guardian") or child.guardians.filter(name=p["guardian"]).exists():
        return None
    return Guardian.objects.create(
        child=child,
        name=p["guardian"],
        relationship=GuardianRelationship.MOTHER,
        phone=p.get("guardian_phone") or "",
        batch=batch,
    )


def link_without_id(batch, rows):
    """Records without an ID number: linked when Splink is sure, queued for a person when it is not,
    new children otherwise. Returns (linked, created, queued)."""
    if not rows:
        return 0, 0, 0
    dates = {p["birth_date"] for _n, p in rows}
    names = {pinyin_key(p["name"]) for _n, p in rows}
    candidates = list(
        Child.objects.filter(Q(birth_date__in=dates) | Q(name_pinyin__in=names))
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
                row_number=row,
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


def record_of(p):
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


def _write_facts(batch, fact_model, fields, chunk, child_ids, index_of, existing):
    """Facts with their provenance; a fact identical to one already held is not added again
    (only children that existed before this chunk can hold one)."""
    ids = [child_ids[index_of[p["id_number"]]] for _n, p in chunk]
    held = set(
        fact_model.objects.filter(child_id__in=existing).values_list(
            "child_id", "valid_from", "valid_to", *fields
        )
        if existing
        else ()
    )
    facts = []
    for (row, p), child_id in zip(chunk, ids, strict=True):
        values = [p.get(f) or "" for f in fields]
        key = (child_id, p["valid_from"], p.get("valid_to"), *values)
        if key in held:
            continue
        held.add(key)
        facts.append(
            {
                "child_id": child_id,
                "unit_id": batch.source.unit_id,
                "batch_id": batch.pk,
                "row_number": row,
                "valid_from": p["valid_from"],
                "valid_to": p.get("valid_to"),
                **dict(zip(fields, values, strict=True)),
            }
        )
    insert_values(fact_model, facts)


def sources_for(user):
    return [s for s in Source.objects.select_related("unit") if can(user, "datahub.import_source", s)]
