"""Plain INSERTs for the registration's hot path.

Django's create() and bulk_create() compile their SQL anew on every call, and in a rush that
was the largest single cost of a registration. `insert` builds the statement once per model
and row count and prepares each value as Django does (pre_save, then get_db_prep_save), so
defaults, auto_now_add, JSON and UUID columns are stored exactly the same. Like bulk_create it
sends no signals and calls no save(). Works on PostgreSQL and SQLite (RETURNING, 3.35+)."""

from functools import cache

from django.db import connection
from django.db.models import Model


@cache
def _fields(model: type[Model]) -> tuple:
    auto = model._meta.auto_field
    return tuple(f for f in model._meta.concrete_fields if f is not auto and not f.generated)


@cache
def _sql(model: type[Model], rows: int, vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _fields(model))
    row = "(" + ", ".join(["%s"] * len(_fields(model))) + ")"
    # Names come from the model, values go as parameters.
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row] * rows)  # noqa: S608
    if auto := model._meta.auto_field:
        sql += f" RETURNING {quote(auto.column)}"
    return sql


def insert(objs: list[Model]) -> list[Model]:
    """Inserts unsaved objects of one model in one statement; sets their primary keys.
    Raises django.db.IntegrityError as save() would."""
    if not objs:
        return objs
    model = type(objs[0])
    fields = _fields(model)
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sql(model, len(objs), connection.vendor), params)
        ids = cursor.fetchall() if model._meta.auto_field else None
    for index, obj in enumerate(objs):
        if ids is not None:
            obj.pk = ids[index][0]
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
