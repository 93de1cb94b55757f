"""The table of the "ratelimit" cache where it is the database's (no REDIS_URL): rate limits
and login failures are counted from the first request after `migrate`. Creating it again is
harmless (createcachetable skips a table that exists): run `tilmeld createcachetable` after
moving from Redis to the database."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_security_txt"),
    ]

    operations = [
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True),
    ]
