"""What is invoiced, credited, paid and outstanding: sums over credit notes and payments, never a
stored state (an issued invoice is never updated)."""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
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


class EventMoney(NamedTuple):
    invoiced: Decimal  # invoices less credit notes, incl. VAT
    paid: Decimal
    outstanding: Decimal
    overdue: int  # invoices past their due date with something outstanding


NO_MONEY = EventMoney(Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 0)


def money_per_event(event_ids, today: dt.date) -> dict[int, EventMoney]:
    """Per event: what its bookings were invoiced (less credit notes), paid and still owe, and
    how many invoices are overdue. Three grouped queries, however many events and invoices."""
    signed = Case(
        When(kind=InvoiceKind.CREDIT_NOTE, then=-F("gross")), default=F("gross"), output_field=MONEY
    )
    invoiced = dict(
        Invoice.objects.filter(booking__event__in=event_ids)
        .order_by()
        .values_list("booking__event")
        .annotate(total=Sum(signed))
    )
    paid = dict(
        Payment.objects.filter(invoice__booking__event__in=event_ids)
        .order_by()
        .values_list("invoice__booking__event")
        .annotate(total=Sum("amount"))
    )
    late = dict(
        Invoice.objects.filter(pk__in=overdue(today).values("pk"), booking__event__in=event_ids)
        .order_by()
        .values_list("booking__event")
        .annotate(n=Count("pk"))
    )
    result = {}
    for event_id in set(invoiced) | set(paid):
        total, received = money(invoiced.get(event_id, 0)), money(paid.get(event_id, 0))
        result[event_id] = EventMoney(total, received, total - received, late.get(event_id, 0))
    return result


def with_booking_balances(bookings: QuerySet) -> QuerySet:
    """Annotates each booking with `invoiced` (its invoices less its credit notes, incl. VAT),
    `paid` and `outstanding`, as subqueries of one query."""
    signed = Case(
        When(kind=InvoiceKind.CREDIT_NOTE, then=-F("gross")), default=F("gross"), output_field=MONEY
    )
    invoices = Invoice.objects.filter(booking=OuterRef("pk")).order_by().values("booking")
    paid = (
        Payment.objects.filter(invoice__booking=OuterRef("pk"))
        .order_by()
        .values("invoice__booking")
    )
    zero = Value(Decimal("0.00"))
    return bookings.annotate(
        invoiced=Coalesce(
            Subquery(invoices.annotate(total=Sum(signed)).values("total"), output_field=MONEY),
            zero,
            output_field=MONEY,
        ),
        paid=Coalesce(
            Subquery(paid.annotate(total=Sum("amount")).values("total"), output_field=MONEY),
            zero,
            output_field=MONEY,
        ),
    ).annotate(outstanding=Round(F("invoiced") - F("paid"), 2, output_field=MONEY))
