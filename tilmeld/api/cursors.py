"""Cursor pagination for the API's lists: stable while rows are added and changed.

A list is ordered by a key that never repeats, e.g. (updated_at, id), and a page ends with a
cursor naming the last key it showed; the next page starts after that key, whatever was added
or changed meanwhile. Nothing is skipped: a row changed while a client pages through moves
behind the cursor and comes again later, with its new values. The cursor is opaque to clients
(base64 of the list's name, a digest of its filters and the key); one made for another list or
other filters is refused (400, code `cursor`), as is anything that is not a cursor."""

import base64
import binascii
import datetime as dt
import hashlib
import json

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tilmeld.api.problems import Problem

DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def _digest(filters: dict) -> str:
    text = json.dumps(filters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _encode_value(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def encode(kind: str, filters: dict, key: tuple) -> str:
    raw = json.dumps([kind, _digest(filters), *(_encode_value(v) for v in key)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _refused() -> Problem:
    return Problem(
        400,
        "cursor",
        _(
            "The cursor is not valid for this list and these filters. Start again without it,"
            " with the filters it was made with."
        ),
    )


def decode(kind: str, filters: dict, cursor: str, types: tuple[type, ...]) -> tuple:
    """The key a cursor names; Problem 400 `cursor` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw)
    except (binascii.Error, ValueError):
        raise _refused() from None
    if (
        not isinstance(found, list)
        or len(found) != 2 + len(types)
        or found[:2] != [kind, _digest(filters)]
    ):
        raise _refused()
    key = []
    for value, kind_of in zip(found[2:], types, strict=True):
        if kind_of is dt.datetime and isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                raise _refused() from None
            if value.tzinfo is None:
                raise _refused()
        elif not isinstance(value, kind_of) or (
            kind_of is int and (type(value) is not int or not 0 < value < 2**63)
        ):
            raise _refused()
        key.append(value)
    return tuple(key)


def _name(field: str) -> str:
    return field.removeprefix("-")


def after(fields: tuple[str, ...], key: tuple) -> Q:
    """Rows ordered after `key` by `fields`, e.g. (updated_at, id) > (u, i); a field named
    with a minus sorts descending, as in order_by()."""
    condition = Q()
    for index in reversed(range(len(fields))):
        equal = {_name(f): v for f, v in zip(fields[:index], key[:index], strict=True)}
        field = fields[index]
        beyond = "lt" if field.startswith("-") else "gt"
        step = Q(**equal, **{f"{_name(field)}__{beyond}": key[index]})
        condition = step if index == len(fields) - 1 else step | (Q(**equal) & condition)
    return condition


def page(
    queryset: QuerySet,
    *,
    kind: str,
    fields: tuple[str, ...],
    types: tuple[type, ...],
    filters: dict,
    cursor: str | None,
    limit: int,
) -> tuple[list, str | None]:
    """One page of `queryset` ordered by `fields`, and the cursor of the next (None: the last
    page). One query: a row more than the page is read to know whether another page follows."""
    if cursor:
        queryset = queryset.filter(after(fields, decode(kind, filters, cursor, types)))
    rows = list(queryset.order_by(*fields)[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode(kind, filters, tuple(getattr(last, _name(f)) for f in fields))
