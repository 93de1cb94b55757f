"""The PostgreSQL settings: statements sent again and again are prepared on the server."""

import pytest
from django.db import connection

from tilmeld.events.models import Event

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
    ),
    pytest.mark.django_db,
]


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "events_event" WHERE "events_event"."slug" = $1%'],
        )
        return cursor.fetchone()[0]


def test_a_statement_sent_again_and_again_is_prepared_and_parsed_no_more():
    for _ in range(5):
        list(Event.objects.filter(slug="summit"))
    assert _prepared() == 0  # rare statements are not kept

    list(Event.objects.filter(slug="summit"))  # once more

    assert _prepared() == 1


def test_the_server_cancels_a_statement_after_the_configured_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("20s",)
