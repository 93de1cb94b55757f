"""What is invoiced, credited, paid and outstanding: sums over credit notes and payments, never a
stored state (an issued invoice is never updated)."""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.db.models import DecimalField, F, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round

from tilmeld.core.money import money
from tilmeld.invoicing.enums import InvoiceKind
from tilmeld.invoicing.models import Invoice, Payment

MONEY = DecimalField(max_digits=12, decimal_places=2)


class Balance(NamedTuple):
    invoiced: Decimal
    credited: Decimal
    paid: Decimal
    outstanding: Decimal


def _total(queryset: QuerySet, group: str, field: str) -> Coalesce:
    rows = queryset.filter(**{group: OuterRef("pk")}).order_by().values(group)
    total = rows.annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(Decimal("0.00")), output_field=MONEY)


def with_balances(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotates each invoice with `credited` (its credit notes' gross), `paid` (its payments),
    `outstanding` (gross - credited - paid) and `last_paid_on`, as subqueries of one query."""
    last_paid = Payment.objects.filter(invoice=OuterRef("pk")).order_by().values("invoice")
    return invoices.annotate(
        credited=_total(Invoice.objects.all(), "credits", "gross"),
        paid=_total(Payment.objects.all(), "invoice", "amount"),
        last_paid_on=Subquery(last_paid.annotate(last=Max("paid_on")).values("last")),
    ).annotate(
        # Rounded in SQL: PostgreSQL subtracts exactly, but SQLite subtracts decimals as floats,
        # where 2493.75 - 2493.74 is 0.0100000000002183 and 0 may come out as 1e-13.
        outstanding=Round(F("gross") - F("credited") - F("paid"), 2, output_field=MONEY)
    )


def amounts(invoice: Invoice) -> Balance:
    """(invoiced, credited, paid, outstanding) of one invoice, read now in one query."""
    row = with_balances(Invoice.objects.filter(pk=invoice.pk)).values_list(
        "gross", "credited", "paid", "outstanding"
    )
    return Balance(*(money(value) for value in row.get()))


def overdue(today: dt.date) -> QuerySet[Invoice]:
    """Invoices (not credit notes) past their due date with something outstanding."""
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE, due_date__lt=today)
    return with_balances(invoices).filter(outstanding__gt=0)


def paid_in_full_on(invoice: Invoice) -> dt.date | None:
    """The day an invoice annotated by with_balances was settled: its last payment, once nothing
    is outstanding. None for a credit note, an unpaid or part-paid invoice, or one only credited."""
    if invoice.kind != InvoiceKind.INVOICE or not invoice.paid or invoice.outstanding > 0:
        return None
    return invoice.last_paid_on
