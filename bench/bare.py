"""The yardstick for `make bench-rush`: a bare Django view doing one guarded INSERT.

The issue gives its target next to this figure measured on its own machine (150/s against
~300/s). Machines differ, so the rush measures the same bare view here, under the same
gunicorn, middleware, load generator and database, and prints both. This is its URLconf;
bench.bare_settings serves it."""

import uuid

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.cache import never_cache

TABLE = "bench_bare_registration"
PATH = "/bare/"


def create_table(conn) -> None:
    """Called with a psycopg connection to the bench database."""
    conn.execute(
        f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE,"
        " form_token uuid NOT NULL UNIQUE)"
    )


@never_cache
def bare(request):
    """The form with its CSRF token; its POST inserts one row, guarded by unique keys."""
    if request.method == "POST":
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TABLE} (email, form_token) VALUES (%s, %s)",  # noqa: S608
                    [request.POST["email"], request.POST["form_token"]],
                )
        except IntegrityError:
            return HttpResponse("already registered", status=409)
        return HttpResponseRedirect(PATH + "done")
    return HttpResponse(
        '<form method="post">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
        f'<input type="hidden" name="form_token" value="{uuid.uuid4()}"></form>'
    )


CONSTANT = b"<!doctype html><title>Tilmeld</title><p>" + b"Det samme svar til alle. " * 400


def constant(request):
    """The yardstick of `make bench-pages`: the same bytes for everyone, through the site's
    middleware, about the size of a public page."""
    return HttpResponse(CONSTANT)


def healthz(request):
    return HttpResponse("ok")


urlpatterns = [path(PATH.strip("/") + "/", bare), path("healthz", healthz)]
