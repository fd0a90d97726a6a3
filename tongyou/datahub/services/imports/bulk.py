"""Inserting many rows at once: one parameterised INSERT run with executemany.

Django's bulk_create builds one large statement per batch and prepares every cell through
the compiler; for imports of hundreds of thousands of rows that overhead dominates
(benchmarks/datahub_import.py). Fields still prepare their own values, so encrypted fields
encrypt and auto_now fields stamp as usual. Primary keys are not set on the objects."""

from django.db import connections, router


def insert_rows(model, objects):
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted identifiers, values are parameters)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
