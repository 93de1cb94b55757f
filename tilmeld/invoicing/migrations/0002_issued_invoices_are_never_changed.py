"""A trigger refuses any UPDATE of an issued invoice, whatever code tries it (the admin, a shell,
a future API): Danish bookkeeping rules want a correction as a credit note, never an edit."""

from django.db import migrations

POSTGRESQL = [
    """CREATE FUNCTION invoicing_invoice_refuse_update() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'Invoice % is issued and is never changed; credit it instead.',
            OLD.number USING ERRCODE = 'restrict_violation';
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER invoicing_invoice_immutable BEFORE UPDATE ON invoicing_invoice
    FOR EACH ROW EXECUTE FUNCTION invoicing_invoice_refuse_update()""",
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER invoicing_invoice_immutable ON invoicing_invoice",
    "DROP FUNCTION invoicing_invoice_refuse_update()",
]
SQLITE = [
    """CREATE TRIGGER invoicing_invoice_immutable BEFORE UPDATE ON invoicing_invoice
    BEGIN
        SELECT RAISE(ABORT, 'An issued invoice is never changed; credit it instead.');
    END""",
]
SQLITE_UNDO = ["DROP TRIGGER invoicing_invoice_immutable"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_invoices")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
