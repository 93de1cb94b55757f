"""Trigram indexes for the searches staff type: the admin participant list (name, e-mail,
organisation, job title) and the check-in search at the door (name, organisation). Django's
`icontains` is `UPPER(column::text) LIKE UPPER('%word%')` on PostgreSQL; a GIN trigram index on
that expression answers it without reading every participant. PostgreSQL only: on SQLite this
migration does nothing (its searches read the table, which is fine at its sizes)."""

from django.db import migrations

COLUMNS = ["name", "email", "organisation", "job_title"]


def _index(column: str) -> str:
    return f"participant_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index(column)} ON registrations_participant"
            f" USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    dependencies = [("registrations", "0007_participant_list_order_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
