"""The confirmed participants of an event, for the staff dashboard: a partial index on (event,
organisation) with the id included (PostgreSQL; SQLite has no included columns and makes a plain
partial index), so the organisations, the arrivals and the answers of the confirmed are counted
from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registrations", "0008_participant_search_trigram_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                fields=["event", "organisation"],
                include=("id",),
                condition=models.Q(status="confirmed"),
                name="participant_confirmed",
            ),
        ),
    ]
