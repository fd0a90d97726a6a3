"""Preview and commit. A preview stores the file (encrypted) and its problems; a commit checks
it again and writes everything in one transaction, or nothing."""

import base64
import datetime
import hashlib
import json

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import can
from tongyou.privacy.blind_index import blind_index

from ...models import ID_INDEX_PURPOSE, Child, ImportBatch, Source
from .bulk import insert_rows
from .checking import check_rows
from .readers import FileError, read_table
from .sources import FACT_FIELDS, SOURCES

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


def _report(checked):
    problem_rows = {}
    for p in checked.problems[:PROBLEMS_KEPT]:
        problem_rows.setdefault(p.row, []).append([p.column, p.message, p.severity])
    values = {n: v for n, v in checked.rows}
    rows = [
        {"row": n, "values": [_cell(x) for x in values.get(n, [])], "problems": problems}
        for n, problems in sorted(problem_rows.items())
    ]
    return json.dumps(
        {"headers": checked.headers, "rows": rows, "file_error": checked.file_error}, ensure_ascii=False
    )


def _cell(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value if isinstance(value, (int, float, str)) or value is None else str(value)


def preview(source, user, filename, content, today=None):
    """Check a file and keep it for a commit. Returns the batch (status previewed or refused)."""
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
        headers, rows = read_table(filename, content)
    except FileError as exc:
        batch.status, batch.message = ImportBatch.Status.REFUSED, str(exc)
        batch.save()
        return batch
    checked = check_rows(spec, headers, rows, user, today=today)
    batch.total_rows = len(rows)
    batch.valid_rows = len(checked.parsed)
    batch.error_count = len(checked.errors) + (1 if checked.file_error else 0)
    batch.warning_count = len(checked.warnings)
    batch.report = _report(checked)
    if checked.file_error:
        batch.status, batch.message = ImportBatch.Status.REFUSED, checked.file_error
    else:
        batch.payload = base64.b64encode(content).decode()
        ids = {p["id_number"] for _n, p in checked.parsed}
        matched = (
            Child.objects.filter(id_number_index__in=[blind_index(i, ID_INDEX_PURPOSE) for i in ids]).count()
            if len(ids) <= 50_000
            else 0
        )
        batch.children_matched, batch.children_created = matched, len(ids) - matched
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


def commit(batch, user, today=None, on_progress=None):
    """Write the previewed file: every row or none. Raises ImportRefused with the reason."""
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
    headers, rows = read_table(batch.filename, base64.b64decode(batch.payload))
    checked = check_rows(spec, headers, rows, user, today=today)
    if checked.errors or checked.file_error:
        raise ImportRefused(_("The file no longer passes its checks; upload it again to see why."))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    try:
        with transaction.atomic():
            matched, created = _write(batch, spec, checked.parsed, on_progress)
            batch.status = ImportBatch.Status.COMMITTED
            batch.children_matched, batch.children_created = matched, created
            batch.processed_rows = len(checked.parsed)
            batch.committed_at = timezone.now()
            batch.payload = ""
            batch.save()
            record(
                AuditEntry.Action.BULK_LOAD,
                user=user,
                obj=batch,
                details={
                    "source": batch.source.code,
                    "rows": len(checked.parsed),
                    "children_matched": matched,
                    "children_created": created,
                },
            )
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED)
        raise
    finally:
        cache.delete(progress_key(batch.pk))
    return batch


def _write(batch, spec, parsed, on_progress):
    unit = batch.source.unit
    fact_model = spec.fact_model
    fields = FACT_FIELDS[spec.code]
    matched = created = 0
    for start in range(0, len(parsed), CHUNK):
        chunk = parsed[start : start + CHUNK]
        index_of = {p["id_number"]: blind_index(p["id_number"], ID_INDEX_PURPOSE) for _n, p in chunk}
        existing = {c.id_number_index: c for c in Child.objects.filter(id_number_index__in=index_of.values())}
        new_children, updated = [], []
        for _row, p in chunk:
            child = existing.get(index_of[p["id_number"]])
            if child is None:
                child = Child(
                    name=p["name"],
                    sex=p["sex"],
                    birth_date=p["birth_date"],
                    id_number=p["id_number"],
                    id_number_index=index_of[p["id_number"]],
                    ethnicity=p.get("ethnicity") or "01",
                    residence_region=p["residence"],
                    household_region=p.get("household_region"),
                )
                new_children.append(child)
                existing[child.id_number_index] = child
            elif spec.code == "household":
                # Household registration is the authority on a person's identity and registration.
                child.name, child.sex, child.birth_date = p["name"], p["sex"], p["birth_date"]
                child.ethnicity = p.get("ethnicity") or child.ethnicity
                child.household_region = p.get("household_region") or child.household_region
                updated.append(child)
        insert_rows(Child, new_children)
        if new_children:
            pks = dict(
                Child.objects.filter(
                    id_number_index__in=[c.id_number_index for c in new_children]
                ).values_list("id_number_index", "pk")
            )
            for child in new_children:
                child.pk = child.id = pks[child.id_number_index]
        if updated:
            Child.objects.bulk_update(updated, ["name", "sex", "birth_date", "ethnicity", "household_region"])
        created += len(new_children)
        matched += len(chunk) - len(new_children)
        if fact_model is not None:
            _write_facts(batch, unit, fact_model, fields, chunk, existing, index_of)
        done = start + len(chunk)
        cache.set(progress_key(batch.pk), done, 3600)
        if on_progress:
            on_progress(done, len(parsed))
    return matched, created


def _write_facts(batch, unit, fact_model, fields, chunk, children, index_of):
    """Facts with their provenance; a fact identical to one already held is not added again."""
    child_ids = [children[index_of[p["id_number"]]].pk for _n, p in chunk]
    key_fields = ["child_id", "valid_from", "valid_to", *fields]
    held = set(fact_model.objects.filter(child_id__in=child_ids).values_list(*key_fields))
    facts = []
    for row, p in chunk:
        child = children[index_of[p["id_number"]]]
        key = (child.pk, p["valid_from"], p.get("valid_to"), *[p.get(f) or "" for f in fields])
        if key in held:
            continue
        held.add(key)
        facts.append(
            fact_model(
                child=child,
                unit=unit,
                batch=batch,
                row_number=row,
                valid_from=p["valid_from"],
                valid_to=p.get("valid_to"),
                **{f: p.get(f) or "" for f in fields},
            )
        )
    insert_rows(fact_model, facts)


def sources_for(user):
    return [s for s in Source.objects.select_related("unit") if can(user, "datahub.import_source", s)]
