"""Plain SQL for the registration's hot path: fewer statements, and fewer waits for them.

Django's create() and bulk_create() compile their SQL anew on every call, and in a rush that
was the largest single cost of a registration. `insert` builds the statement once per model
and row count and prepares each value as Django does (pre_save, then get_db_prep_save), so
defaults, auto_now_add, JSON and UUID columns are stored exactly the same. Like bulk_create it
sends no signals and calls no save(). Works on PostgreSQL and SQLite (RETURNING, 3.35+).

On PostgreSQL four more tools cut the waits for the server, each of which costs the app and
the server a wake-up: `reserve_column` takes primary keys from the tables' sequences ahead, so
rows stored with them need no answer; `batch` joins such writes into few statements;
`pipeline` sends statements without waiting for each answer; and `atomic` sends the COMMIT
behind them. On SQLite, in-process, they change nothing but the order in which the writes of
a transaction happen."""

import threading
from contextlib import contextmanager
from functools import cache

from django.db import connection, transaction
from django.db.models import Model

_held = threading.local()  # the writes of the open batch() block, per thread


@cache
def _fields(model: type[Model], with_pk: bool) -> tuple:
    auto = model._meta.auto_field
    return tuple(
        f for f in model._meta.concrete_fields if (with_pk or f is not auto) and not f.generated
    )


@cache
def _sql(model: type[Model], rows: int, with_pk: bool, returning: bool, vendor: str) -> str:
    quote = connection.ops.quote_name
    fields = _fields(model, with_pk)
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Names come from the model, values go as parameters.
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row] * rows)  # noqa: S608
    if returning:
        sql += f" RETURNING {quote(model._meta.auto_field.column)}"
    return sql


def insert(objs: list[Model], *, keys: bool = True) -> list[Model]:
    """Inserts unsaved objects of one model in one statement. Objects that already have their
    primary keys (see `reserve_column`) are stored with them; else the keys are read back and set,
    unless `keys` is False. Only a statement that reads keys back runs at once inside a
    `batch` block. Raises django.db.IntegrityError as save() would, at the latest when the
    batch or pipeline block ends."""
    if not objs:
        return objs
    model = type(objs[0])
    auto = model._meta.auto_field
    with_pk = auto is not None and objs[0].pk is not None
    returning = auto is not None and not with_pk and keys
    fields = _fields(model, with_pk)
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    sql = _sql(model, len(objs), with_pk, returning, connection.vendor)
    if returning:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
    else:
        write(sql, params)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def write(sql: str, params: list) -> None:
    """Runs a statement that returns nothing (INSERT or UPDATE), or holds it for the batch."""
    held = getattr(_held, "writes", None)
    if held is not None:
        held.append((sql, params))
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def once_written(action) -> None:
    """Calls `action` once the writes held by the open batch block are sent, at once if none
    is open: for work that reads them, such as a task backend that runs tasks immediately."""
    after = getattr(_held, "after", None)
    if after is None:
        action()
    else:
        after.append(action)


@contextmanager
def batch():
    """Holds back the block's writes that return nothing and sends them when it ends: on
    PostgreSQL joined into few statements, each write a WITH clause of one (foreign keys are
    checked at commit, so their order does not matter); elsewhere one by one. Nothing in the
    block may read what the block writes (see `once_written`). Open it inside the transaction
    and catch no database error inside it: if the block raises, the held writes are dropped,
    since the transaction they belong to is rolled back. A refusal raised inside the block
    comes before any error those writes would have met (say, a unique key)."""
    if getattr(_held, "writes", None) is not None:
        yield  # nested: the outer block sends
        return
    _held.writes, _held.after = [], []
    try:
        yield
        writes, after = _held.writes, _held.after
    finally:
        _held.writes = _held.after = None
    _send(writes)
    if after:
        _wait()  # the actions may read the writes: a failed one must raise first
        with batch():
            for action in after:
                action()


# psycopg parses a statement's placeholders once and keeps the result only for statements of
# at most 50 parameters; a larger one is parsed anew each time, which costs more than sending
# the writes as two statements.
CACHED_PARAMS = 50


def _send(writes: list) -> None:
    if connection.vendor != "postgresql":
        groups = [[write] for write in writes]
    else:
        groups, size = [], 0
        for sql, params in writes:
            if not groups or size + len(params) > CACHED_PARAMS:
                groups.append([])
                size = 0
            groups[-1].append((sql, params))
            size += len(params)
    with connection.cursor() as cursor:
        for group in groups:
            sqls = [sql for sql, _ in group]
            head = ", ".join(f"w{n} AS ({sql})" for n, sql in enumerate(sqls[:-1]))
            cursor.execute(
                f"WITH {head} {sqls[-1]}" if head else sqls[-1],
                [p for _, params in group for p in params],
            )


class Reserved:
    """Primary keys taken from the tables' sequences: reserved[Model] is a list of them, or
    of Nones where the database gives keys only on insert (SQLite)."""

    def __init__(self, counts: dict[type[Model], int], keys: list | None = None):
        found = iter(keys or [])  # in the order of `counts`
        self._keys = {m: [next(found, None) for _ in range(n)] for m, n in counts.items()}

    def __getitem__(self, model: type[Model]) -> list:
        return self._keys[model]


@cache
def _reserve_sql(models: tuple[type[Model], ...]) -> str:
    # The sequences' names come from the models; only the counts go as parameters, since
    # psycopg turns a list parameter into an array in Python, at a cost.
    quote = connection.ops.quote_name
    union = " UNION ALL ".join(
        f"SELECT {n} AS m, g, nextval(pg_get_serial_sequence("  # noqa: S608 - names, not input
        f"'{quote(model._meta.db_table)}', '{model._meta.auto_field.column}'))"
        " FROM generate_series(1, %s) AS g"
        for n, model in enumerate(models)
    )
    return f"ARRAY(SELECT k FROM ({union}) AS r(m, g, k) ORDER BY m, g)"  # noqa: S608


def reserve_column(counts: dict[type[Model], int]) -> tuple[str, list] | None:
    """Reserves new primary keys, so many per model, as an SQL expression (an array of the
    keys) with its parameters, to add to a statement sent anyway (seats.lock): it then costs
    no statement and no wait of its own. Read the value with Reserved(counts, value).
    None where there is nothing to reserve, or the database gives keys only on insert."""
    if connection.vendor != "postgresql" or not any(counts.values()):
        return None
    return _reserve_sql(tuple(counts)), list(counts.values())


@contextmanager
def pipeline():
    """On PostgreSQL, sends the block's statements without waiting for each answer; reading a
    result, or the end of the block, waits for everything sent so far. Use it inside
    transaction.atomic(): the commit comes after the block. Elsewhere it changes nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    outer = getattr(_held, "pipeline", None)
    with connection.wrap_database_errors, connection.connection.pipeline() as sent:
        _held.pipeline = sent
        try:
            yield
        finally:
            _held.pipeline = outer


@contextmanager
def atomic():
    """transaction.atomic() with its statements in a pipeline. The outermost block sends its
    COMMIT into the pipeline behind the last writes, so both cost one wait for the server;
    Django's commit then finds the transaction ended and adds none. A failed write or COMMIT
    raises at the end of the block, which is rolled back as in transaction.atomic()."""
    with transaction.atomic(), pipeline():
        yield
        # The block Django commits on leaving (not one nested in another, nor one opened
        # with autocommit switched off by hand).
        outermost = connection.commit_on_exit and not connection.savepoint_ids
        if outermost and connection.vendor == "postgresql" and not connection.needs_rollback:
            # Past Django's cursor: its query log lists the COMMIT of Django's commit already.
            connection.connection.execute("COMMIT")


def _wait() -> None:
    """In a pipeline, waits for the answers to everything sent so far; raises the first error."""
    if sent := getattr(_held, "pipeline", None):
        with connection.wrap_database_errors:
            sent.sync()
