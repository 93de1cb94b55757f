"""An issued invoice is still never changed, with one exception: once the bookkeeping period is
over (5 years after the end of the financial year, the calendar year of its date), the personal
names in it may be removed, once (tilmeld.privacy.retention).

The trigger of 0002 is made again to allow exactly that UPDATE: `anonymised_at` goes from empty
to set, only `buyer_name` and `document` change with it, and the invoice's year lies more than
five calendar years back by the database's own clock. Any other UPDATE is refused, as before."""

from django.db import migrations, models

# Every column but buyer_name, document and anonymised_at must stay as it was.
KEPT = [
    "id",
    "kind",
    "series_id",
    "sequence",
    "number",
    "issue_date",
    "due_date",
    "booking_id",
    "credits_id",
    "net",
    "vat",
    "gross",
    "issued_at",
    "issued_by",
]

POSTGRESQL_UNCHANGED = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in KEPT)
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION invoicing_invoice_refuse_update() RETURNS trigger AS $$
    BEGIN
        IF OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL
            AND EXTRACT(YEAR FROM OLD.issue_date) + 5 < EXTRACT(YEAR FROM CURRENT_DATE)
            AND {POSTGRESQL_UNCHANGED} THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'Invoice % is issued and is never changed; credit it instead.',
            OLD.number USING ERRCODE = 'restrict_violation';
    END
    $$ LANGUAGE plpgsql""",
]
POSTGRESQL_UNDO = [
    """CREATE OR REPLACE FUNCTION invoicing_invoice_refuse_update() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'Invoice % is issued and is never changed; credit it instead.',
            OLD.number USING ERRCODE = 'restrict_violation';
    END
    $$ LANGUAGE plpgsql""",
]

SQLITE_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in KEPT)
SQLITE = [
    "DROP TRIGGER IF EXISTS invoicing_invoice_immutable",
    f"""CREATE TRIGGER invoicing_invoice_immutable BEFORE UPDATE ON invoicing_invoice
    WHEN NOT (
        OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL
        AND CAST(strftime('%Y', OLD.issue_date) AS INTEGER) + 5
            < CAST(strftime('%Y', 'now') AS INTEGER)
        AND {SQLITE_UNCHANGED}
    )
    BEGIN
        SELECT RAISE(ABORT, 'An issued invoice is never changed; credit it instead.');
    END""",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS invoicing_invoice_immutable",
    """CREATE TRIGGER invoicing_invoice_immutable BEFORE UPDATE ON invoicing_invoice
    BEGIN
        SELECT RAISE(ABORT, 'An issued invoice is never changed; credit it instead.');
    END""",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0007_gross_check_within_half_an_ore"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="names removed"),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
        ),
    ]
