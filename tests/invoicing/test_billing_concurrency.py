"""Bookings invoiced at once by real concurrent connections (PostgreSQL): every confirmed
booking gets one invoice, the numbers run without a gap, and the same booking settled twice at
once (the task and staff's "issue now", or two workers) is invoiced once."""

from decimal import Decimal

from tests.factories import EventFactory, PriceFactory, register_paid
from tests.registrations.test_concurrency import RACES, at_once, errors
from tilmeld.invoicing import billing
from tilmeld.invoicing.models import Charge, Invoice, InvoiceSeries

pytestmark = RACES[:2]  # tasks wait in the database already (tests/settings.py)


def test_twenty_bookings_confirmed_at_once_get_twenty_invoices_numbered_without_a_gap(site):
    event = EventFactory(capacity=50)
    price = PriceFactory(event=event, amount=Decimal("1995.00"))

    results = at_once(
        *(lambda i=i: register_paid(event, f"Deltager {i}", price=price) for i in range(20))
    )
    assert errors(results) == []
    # Each booking settled twice at once: by its task and by the worker's sweep, say.
    settled = at_once(*(lambda b=b: billing.settle(b) for b in results for _ in range(2)))

    assert errors(settled) == []
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 21))
    assert InvoiceSeries.objects.get(code="invoice").next_number == 21
    assert sorted(Invoice.objects.values_list("booking_id", flat=True)) == sorted(
        b.pk for b in results
    )
    assert Charge.objects.count() == 20


def test_two_staff_issuing_the_same_held_booking_at_once_issue_one_invoice(site):
    event = EventFactory(invoicing_held=True)
    booking = register_paid(event, "Anna Jensen", "Bo Hansen", price=PriceFactory(event=event))

    results = at_once(
        lambda: billing.settle(booking, force=True), lambda: billing.settle(booking, force=True)
    )

    assert errors(results) == []
    assert sorted(len(r) for r in results) == [0, 1]
    assert Invoice.objects.filter(booking=booking).count() == 1
