"""Inserting many rows at once: one parameterised INSERT run with executemany.

Django's bulk_create builds one large statement per batch and prepares every cell through the
compiler, from model instances; for imports of hundreds of thousands of rows that overhead
dominates (benchmarks/datahub_import.py). Here a column absent from the rows is prepared once,
and a plain value already of its column's Python type (a str for a text column, an int for an
integer or a foreign key, a date for a date column) goes through as it is; anything else, the
encrypted fields included, is prepared by its field as usual."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Sequence
from operator import itemgetter
from typing import Any

from django.db import connections, models, router
from django.db.models import Model
from django.utils import timezone

TEXT_FIELDS = (models.CharField, models.TextField, models.SlugField)
INTEGER_FIELDS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


def _preparer(field: models.Field, connection: Any) -> tuple[frozenset[type], Callable[[Any], Any]]:
    """(the types whose values go to the database as they are, a function that prepares any
    value of `field`). Most columns of an import hold only such values and are left alone."""

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    none = type(None)
    kind = type(field)  # exact types only: a subclass (an encrypted field) prepares its own values
    if kind in TEXT_FIELDS:
        plain: type = str
    elif kind in INTEGER_FIELDS or (
        isinstance(field, models.ForeignKey)
        and type(field.target_field) in (*INTEGER_FIELDS, models.AutoField, models.BigAutoField)
    ):
        plain = int
    elif kind is models.BooleanField:
        plain = bool
    elif kind is models.DateField:
        adapt = connection.ops.adapt_datefield_value
        sample = datetime.date(2000, 1, 1)
        # PostgreSQL takes a date as it is; SQLite stores its ISO text.
        as_is = frozenset({none, datetime.date}) if adapt(sample) is sample else frozenset({none})
        return as_is, lambda value: adapt(value) if type(value) is datetime.date else prepare(value)
    else:
        return frozenset(), prepare

    def prepare_plain(value: Any) -> Any:
        return value if value is None or type(value) is plain else prepare(value)

    return frozenset({none, plain}), prepare_plain


def insert_values(model: type[Model], rows: Sequence[dict[str, Any]], prepared: Collection[str] = ()) -> None:
    """The same INSERT from plain dicts keyed by attribute name (`child_id`, `valid_from`…), all
    with the same keys, skipping model instances altogether; absent fields take their defaults,
    auto_now fields now. The fields named in `prepared` hold values already as the database
    stores them (encrypted by the import's preparer) and go through untouched."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = rows[0].keys()
    now = timezone.now()
    variable = [f for f in fields if f.attname in given]
    constant = [f for f in fields if f.attname not in given]
    tail = [
        f.get_db_prep_save(
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default(),
            connection,
        )
        for f in constant
    ]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted identifiers, values are parameters)
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in variable + constant),
        ", ".join(["%s"] * len(fields)),
    )
    # Rows and columns are taken whole (itemgetter, map: no Python loop per value); a column is
    # prepared value by value only when it holds something other than plain values.
    names = [f.attname for f in variable]
    take = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    params = [[*take(row), *tail] for row in rows]
    for i, field in enumerate(variable):
        if field.attname in prepared:
            continue
        as_is, prepare = _preparer(field, connection)
        column = list(map(itemgetter(i), params))
        if not set(map(type, column)) <= as_is:
            for row, value in zip(params, column, strict=True):
                row[i] = prepare(value)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
