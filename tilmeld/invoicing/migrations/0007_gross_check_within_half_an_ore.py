"""Gross = net + VAT within half an øre: SQLite compares its decimals as binary floating point.

Changing a constraint makes SQLite copy the table, which drops its triggers: the trigger that
refuses any UPDATE of an issued invoice (0002) is made again right after."""

import django.db.models.expressions
import django.db.models.functions.math
import django.db.models.lookups
from decimal import Decimal
from django.db import migrations, models

SQLITE_IMMUTABLE = """CREATE TRIGGER IF NOT EXISTS invoicing_invoice_immutable
    BEFORE UPDATE ON invoicing_invoice
    BEGIN
        SELECT RAISE(ABORT, 'An issued invoice is never changed; credit it instead.');
    END"""


def keep_invoices_immutable(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_IMMUTABLE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('invoicing', '0006_payment_reminders'),
        ('registrations', '0005_payers_and_prices'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='invoice',
            name='invoice_gross_is_net_plus_vat',
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThan(django.db.models.functions.math.Abs(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.F('gross'), '-', models.F('net')), '-', models.F('vat'))), Decimal('0.005')), name='invoice_gross_is_net_plus_vat'),
        ),
        migrations.RunPython(keep_invoices_immutable, keep_invoices_immutable),
    ]
