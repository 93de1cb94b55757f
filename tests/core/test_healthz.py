import json
from contextlib import contextmanager

import pytest
from django.db import connection


@contextmanager
def unreachable_database(tmp_path):
    """Points the default connection at a database that cannot be reached, for real."""
    saved_settings = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        # Closing would drop SQLite's in-memory test database, so it is set aside instead.
        kept = connection.connection
        connection.connection = None
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        kept = None
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)
        if kept is not None:
            connection.connection = kept


@pytest.mark.django_db
def test_healthz_answers_ok_while_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": True}


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_is_unreachable(client, tmp_path):
    with unreachable_database(tmp_path):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": False}
    with connection.cursor() as cursor:  # and the connection is usable again afterwards
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_healthz_answers_over_plain_http_when_other_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    health = client.get("/healthz")
    home = client.get("/")

    assert health.status_code == 200
    assert json.loads(health.content) == {"status": "ok", "database": True}
    assert home.status_code == 301
    assert home["Location"] == "https://testserver/"


@pytest.mark.django_db(transaction=True)
def test_healthz_503_reaches_a_plain_http_check_when_other_pages_redirect(
    client, settings, tmp_path
):
    settings.SECURE_SSL_REDIRECT = True

    with unreachable_database(tmp_path):
        response = client.get("/healthz")

    assert response.status_code == 503
