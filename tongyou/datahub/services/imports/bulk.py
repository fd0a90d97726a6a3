"""Inserting many rows at once: one parameterised INSERT run with executemany.

Django's bulk_create builds one large statement per batch and prepares every cell through the
compiler, from model instances; for imports of hundreds of thousands of rows that overhead
dominates (benchmarks/datahub_import.py). Fields still prepare their own values, so encrypted
fields encrypt as usual."""

from django.db import connections, router
from django.utils import timezone


def insert_values(model, rows):
    """The same INSERT from plain dicts keyed by attribute name (`child_id`, `valid_from`…),
    skipping model instances altogether; absent fields take their defaults, auto_now fields now."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted identifiers, values are parameters)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        [f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection) for f in fields]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
