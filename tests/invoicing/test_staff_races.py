"""Two staff members doing the same thing at the same moment get one result: one invoice, one
credit note, one payment, one reminder; the other is told why nothing more happened."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from tests.factories import (
    EventFactory,
    PriceFactory,
    SiteSettingsFactory,
    StaffFactory,
    register_paid,
)
from tests.registrations.test_concurrency import at_once, errors
from tilmeld.invoicing import billing, payments, reminders
from tilmeld.invoicing.models import Invoice, Payment, Reminder
from tilmeld.registrations.payers import PayerData

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def booking():
    SiteSettingsFactory()
    event = EventFactory(capacity=10, invoicing_held=True)
    payer = PayerData(kind="company", name="Bogbussen ApS", cvr="29189919", email="b@example.org")
    price = PriceFactory(event=event, amount=Decimal("1995.00"))
    return register_paid(event, "Anna Jensen", price=price, payer=payer)


def test_two_staff_issuing_a_held_bookings_invoice_at_once_issue_one(booking):
    staff = StaffFactory()

    results = at_once(
        lambda: billing.settle(booking, force=True, by=staff),
        lambda: billing.settle(booking, force=True, by=staff),
    )

    assert errors(results) == []
    assert sorted(len(issued) for issued in results) == [0, 1]
    assert list(Invoice.objects.values_list("number", "gross")) == [("0001", Decimal("1995.00"))]


def test_two_staff_crediting_the_whole_invoice_at_once_credit_it_once(booking):
    [issued] = billing.settle(booking, force=True)

    results = at_once(
        lambda: billing.credit_invoice(issued), lambda: billing.credit_invoice(issued)
    )

    assert [str(error) for error in errors(results)] == [
        "Det ville kreditere mere, end faktura 0001 har opkrævet."
    ]
    assert issued.credit_notes.count() == 1


def test_two_staff_marking_an_invoice_paid_at_once_record_one_payment(booking):
    [issued] = billing.settle(booking, force=True)
    today = dt.date.today()

    results = at_once(
        lambda: payments.mark_paid(issued, paid_on=today, by=None),
        lambda: payments.mark_paid(issued, paid_on=today, by=None),
    )

    assert [str(error) for error in errors(results)] == ["Der er intet udestående på faktura 0001."]
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("1995.00")]


def test_two_staff_sending_a_reminder_at_once_send_one(booking):
    [issued] = billing.settle(booking, force=True)

    results = at_once(
        lambda: reminders.send_reminder(issued, by=None),
        lambda: reminders.send_reminder(issued, by=None),
    )

    assert [str(error) for error in errors(results)] == [
        "Der er allerede sendt en rykker for faktura 0001 i dag."
    ]
    assert Reminder.objects.count() == 1
