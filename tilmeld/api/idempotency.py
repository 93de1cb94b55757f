"""`Idempotency-Key` on the API's POSTs: a request repeated with the same key by the same token
within a day gets the first answer again (same status, same body) instead of running twice.

The key is claimed first, by storing its row in a transaction of its own, committed before the
operation runs. A duplicate sent while the first still runs finds the row unfinished and is
told to retry (409 `in_progress`, `Retry-After: 1`); one sent afterwards gets the stored answer;
the same key with another request (method, path, query or body) is refused (422
`idempotency_mismatch`). Answers below 500 are kept; after an error of ours (a 500) the claim is
given up, so a retry runs the operation anew. A claim left unfinished for LEASE (its process
died) may be taken over. Rows older than TTL are ignored and deleted by the worker's sweep.

A registration also gets a form token made from the token and the key, so even a retry after a
lost claim returns the booking made the first time (register() knows its form tokens)."""

import datetime as dt
import hashlib
import json
import uuid
from contextlib import contextmanager
from functools import wraps

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from tilmeld.api.models import IdempotentRequest
from tilmeld.api.problems import CONTENT_TYPE, Problem, body, response

HEADER = "Idempotency-Key"
TTL = dt.timedelta(hours=24)
LEASE = dt.timedelta(minutes=2)  # longer than any request may run (gunicorn's timeout)
NAMESPACE = uuid.UUID("7d0f3c55-9a4e-4a51-9a40-1f0b8d1e6c2a")


def key_of(request) -> str | None:
    """The request's key, None without one; a 400 problem for one that is not 1–255 printable
    ASCII characters."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 255 or not all(" " <= c <= "~" for c in key):
        raise Problem(
            400,
            "idempotency_key",
            _("An Idempotency-Key is 1 to 255 printable ASCII characters."),
        )
    return key


def form_token(request) -> uuid.UUID | None:
    """The registration form token for a request with a key: the same for its repeats."""
    key = key_of(request)
    if key is None:
        return None
    return uuid.uuid5(NAMESPACE, f"{request.auth.pk}:{key}")


def request_hash(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


# The claim and the stored answer, in plain SQL: compiling the ORM's statements cost more than
# running them. On PostgreSQL each runs in a transaction of its own whose commit does not wait
# for the disk (set_config(..., true) lasts until that commit), in one round trip. A database
# crash may lose them without harm: the booking's form token (above) still makes a retry
# return the first booking, and a lost answer leaves the claim to be taken over after LEASE.
# Waiting for the disk twice more than the booking form, in four round trips each, cost the
# API's registration rush a tenth of its rate (make bench-api).
_TABLE = IdempotentRequest._meta.db_table
_UNHURRIED = "(SELECT set_config('synchronous_commit', 'off', true)) AS unhurried"
CLAIM = {
    "postgresql": f'INSERT INTO {_TABLE} (token_id, "key", request_hash, status, body, completed,'  # noqa: S608
    f" created_at) SELECT %s, %s, %s, NULL, '', false, %s FROM {_UNHURRIED} RETURNING id",
    "sqlite": f'INSERT INTO {_TABLE} (token_id, "key", request_hash, status, body, completed,'  # noqa: S608
    " created_at) VALUES (%s, %s, %s, NULL, '', false, %s) RETURNING id",
}
COMPLETE = {
    "postgresql": f"UPDATE {_TABLE} SET status = %s, body = %s, completed = %s FROM {_UNHURRIED}"  # noqa: S608
    f" WHERE {_TABLE}.id = %s",
    "sqlite": f"UPDATE {_TABLE} SET status = %s, body = %s, completed = %s WHERE id = %s",  # noqa: S608
}


@contextmanager
def _own_transaction():
    """Autocommit: the statement is its own transaction. Inside a transaction (a test's), a
    savepoint, so a refused claim leaves it usable."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
    else:
        yield


def _insert(row: IdempotentRequest) -> bool:
    """Stores the claim, committed at once. False when the key is taken."""
    created_at = IdempotentRequest._meta.get_field("created_at").get_db_prep_save(
        row.created_at, connection
    )
    try:
        with _own_transaction(), connection.cursor() as cursor:
            cursor.execute(
                CLAIM[connection.vendor], [row.token_id, row.key, row.request_hash, created_at]
            )
            (row.pk,) = cursor.fetchone()
    except IntegrityError:
        return False
    row._state.adding = False
    row._state.db = connection.alias
    return True


Claim = tuple[IdempotentRequest | None, IdempotentRequest | None]


def claim(token, key: str, digest: str) -> Claim:
    """(claimed row, None) to run the operation, or (None, completed row) to answer again.
    Raises the 409 and 422 problems."""
    for _attempt in range(3):
        now = timezone.now()
        row = IdempotentRequest(token=token, key=key, request_hash=digest, created_at=now)
        if _insert(row):
            return row, None
        found = IdempotentRequest.objects.filter(token=token, key=key).first()
        if found is None:  # deleted meanwhile (expired): claim again
            continue
        if found.created_at < now - TTL or (not found.completed and found.created_at < now - LEASE):
            taken = IdempotentRequest.objects.filter(
                pk=found.pk, created_at=found.created_at
            ).update(created_at=now, request_hash=digest, completed=False, status=None, body="")
            if taken:
                found.created_at, found.request_hash, found.completed = now, digest, False
                return found, None
            continue
        if found.request_hash != digest:
            raise Problem(
                422,
                "idempotency_mismatch",
                _("This Idempotency-Key was used for another request. Use a new key."),
            )
        if not found.completed:
            raise Problem(
                409,
                "in_progress",
                _("A request with this Idempotency-Key is still running. Try again shortly."),
                headers={"Retry-After": "1"},
            )
        return None, found
    raise Problem(
        409,
        "in_progress",
        _("A request with this Idempotency-Key is still running. Try again shortly."),
        headers={"Retry-After": "1"},
    )


def _complete(row: IdempotentRequest, status: int, data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    with connection.cursor() as cursor:
        cursor.execute(COMPLETE[connection.vendor], [status, text, True, row.pk])


def replay(row: IdempotentRequest):
    data = json.loads(row.body)
    if row.status >= 400:
        answer = response(Problem(row.status, data["code"], data["detail"]))
        answer.content = json.dumps(data, ensure_ascii=False).encode()
        answer["Content-Type"] = CONTENT_TYPE
    else:
        answer = Status(row.status, data)
    return answer


def idempotent(view):
    """Makes a POST endpoint honour `Idempotency-Key` (see the module). The endpoint's auth
    (`needs`) runs first: the token and its scope are checked before a key is claimed. The
    view returns Status(code, JSON-able dict) or raises Problem."""

    @wraps(view)
    def honoured(request, *args, **kwargs):
        key = key_of(request)
        if key is None:
            return view(request, *args, **kwargs)
        row, done = claim(request.auth, key, request_hash(request))
        if done is not None:
            return replay(done)
        try:
            result = view(request, *args, **kwargs)
        except Problem as problem:
            if problem.status < 500:
                data = body(
                    problem.status,
                    problem.code,
                    problem.detail,
                    title=problem.title,
                    errors=problem.errors,
                )
                _complete(row, problem.status, data)
            else:
                IdempotentRequest.objects.filter(pk=row.pk).delete()
            raise
        except BaseException:
            IdempotentRequest.objects.filter(pk=row.pk).delete()
            raise
        if isinstance(result, Status):
            _complete(row, result.status_code, result.value)
        else:
            _complete(row, 200, result)
        return result

    return honoured


def sweep() -> int:
    """The worker's sweep (settings.WORKER_SWEEPS): deletes the rows older than TTL."""
    deleted, _rows = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - TTL).delete()
    return deleted
