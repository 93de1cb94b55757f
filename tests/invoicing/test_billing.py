"""From a booking to its invoices and credit notes: issued on confirmation, one line per
participant and option, credited on a cancellation before the binding date, and every
document passing the official rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    EventFactory,
    OptionFactory,
    PriceFactory,
    StaffFactory,
    register_paid,
)
from tests.invoicing.test_documents import validate  # noqa: F401  (the fixture)
from tilmeld.invoicing import billing
from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.documents.peppol import peppol_xml
from tilmeld.invoicing.models import Charge, Invoice
from tilmeld.registrations.payers import PayerData
from tilmeld.registrations.services.booking import Person
from tilmeld.registrations.services.changes import cancel_registration, substitute_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(site):
    return EventFactory(capacity=20)


def documents(booking):
    return list(Invoice.objects.filter(booking=booking).order_by("pk"))


def assert_valid(validate, invoice):  # noqa: F811
    document = invoice.as_document()
    for xml in (oioubl_xml(document), peppol_xml(document)):
        report = validate(xml)
        assert report.ok, "\n".join(map(str, report.fatal))


def test_a_confirmed_booking_is_invoiced_once_with_a_line_per_participant_and_option(
    event,
    validate,  # noqa: F811
):
    price = PriceFactory(event=event, amount=Decimal("1995.00"))
    dinner = OptionFactory(event=event)
    booking = register_paid(event, "Anna Jensen", "Bo Hansen", price=price, options=[dinner])

    issued = billing.settle(booking)
    again = billing.settle(booking)

    assert again == []
    [invoice] = issued
    document = invoice.as_document()
    assert [(line.note.split(",")[0], line.unit_price) for line in document.lines] == [
        ("Anna Jensen", Decimal("1596.00")),
        ("Anna Jensen", Decimal("280.00")),
        ("Bo Hansen", Decimal("1596.00")),
        ("Bo Hansen", Decimal("280.00")),
    ]
    assert invoice.gross == Decimal("4690.00")  # 2 × (1.995 + 350), VAT included
    assert document.buyer.gln == "5798009811578"
    assert (document.order_reference, document.buyer_reference) == ("PO-4711", "Hans Hansen")
    assert_valid(validate, invoice)


def test_an_exempt_event_is_invoiced_without_vat_and_with_its_legal_basis(site, validate):  # noqa: F811
    event = EventFactory(
        vat_mode="exempt", vat_exemption_reason="Momsfritaget, jf. momslovens § 13, stk. 1, nr. 6"
    )
    price = PriceFactory(event=event, amount=Decimal("1995.00"))
    booking = register_paid(event, "Anna Jensen", price=price)

    [invoice] = billing.settle(booking)

    assert (invoice.net, invoice.vat, invoice.gross) == (
        Decimal("1995.00"),
        Decimal("0.00"),
        Decimal("1995.00"),
    )
    assert_valid(validate, invoice)


def test_cancelling_one_of_a_group_before_the_binding_date_credits_that_participant(
    event,
    validate,  # noqa: F811
):
    price = PriceFactory(event=event, amount=Decimal("1995.00"))
    booking = register_paid(event, *[f"Deltager {i}" for i in range(12)], price=price)
    [invoice] = billing.settle(booking)
    assert len(invoice.as_document().lines) == 12

    cancel_registration(booking.participants.order_by("id")[3])
    [note] = billing.settle(booking)

    assert note.kind == "credit_note" and note.credits == invoice
    assert note.gross == Decimal("1995.00")
    assert [line.note.split(",")[0] for line in note.as_document().lines] == ["Deltager 3"]
    assert billing.settle(booking) == []
    assert_valid(validate, note)


def test_a_cancellation_after_the_binding_date_credits_nothing_unless_staff_decide(event):
    event.binding_at = timezone.now() + dt.timedelta(days=1)
    event.save()
    price = PriceFactory(event=event)
    booking = register_paid(event, "Anna Jensen", price=price)
    billing.settle(booking)
    participant = booking.participants.get()
    staff = StaffFactory()

    with __import__("time_machine").travel(timezone.now() + dt.timedelta(days=2)):
        cancel_registration(participant, by=staff)
        assert billing.settle(booking) == []
        [note] = billing.settle(booking, credit=(participant.pk,), by=staff)

    assert note.gross == Decimal("2795.00")


def test_a_substitute_takes_over_what_was_invoiced_and_the_next_document_names_them(event):
    price = PriceFactory(event=event)
    booking = register_paid(event, "Anna Jensen", price=price)
    [invoice] = billing.settle(booking)
    old = booking.participants.get()

    new = substitute_participant(old, Person(name="Carl Nielsen", email="carl@example.org"))

    assert billing.settle(booking) == []
    assert Charge.objects.get(invoice=invoice).participant == new
    assert "Anna Jensen" in invoice.as_document().lines[0].note  # the issued one is unchanged
    cancel_registration(new)
    [note] = billing.settle(booking)
    assert note.as_document().lines[0].note.startswith("Anna Jensen")  # the line it credits


def test_the_waiting_list_is_invoiced_only_when_a_seat_is_accepted(site):
    event = EventFactory(capacity=1, waiting_list_mode="automatic")
    price = PriceFactory(event=event)
    first = register_paid(event, "Anna Jensen", price=price)
    second = register_paid(event, "Bo Hansen", price=price)

    assert billing.settle(second) == []
    cancel_registration(first.participants.get())
    [invoice] = billing.settle(second)

    assert invoice.as_document().lines[0].note.startswith("Bo Hansen")


def test_a_held_event_is_invoiced_only_by_hand(event):
    event.invoicing_held = True
    event.save()
    booking = register_paid(event, "Anna Jensen", price=PriceFactory(event=event))

    assert billing.settle(booking) == []
    assert billing.why_not_invoiced(booking) == "Fakturering er sat i bero for dette arrangement."
    assert len(billing.settle(booking, force=True)) == 1


def test_a_company_gets_its_invoice_by_mail_with_the_pdf(event, mailoutbox):
    payer = PayerData(kind="company", name="Bogbussen ApS", cvr="29189919", email="bog@example.org")
    booking = register_paid(event, "Anna Jensen", price=PriceFactory(event=event), payer=payer)

    [invoice] = billing.settle(booking)

    assert invoice.buyer_name == "Bogbussen ApS"
    assert documents(booking) == [invoice]


def test_nothing_is_invoiced_before_the_association_gives_its_cvr_and_bank_account(event, site):
    site.bank_account = ""
    site.save()
    booking = register_paid(event, "Anna Jensen", price=PriceFactory(event=event))

    assert billing.settle(booking) == []
    assert "CVR" in billing.why_not_invoiced(booking)


def test_the_sweep_settles_what_no_task_did(event):
    booking = register_paid(event, "Anna Jensen", price=PriceFactory(event=event))
    assert list(billing.unsettled_bookings()) == [booking]

    assert billing.sweep() == 1

    assert list(billing.unsettled_bookings()) == []


def test_an_invoice_carries_an_fi_payment_line_when_the_association_has_a_creditor_number(
    event, site
):
    site.fi_creditor = "85234567"
    site.save()
    booking = register_paid(event, "Anna Jensen", price=PriceFactory(event=event))

    [invoice] = billing.settle(booking)

    assert invoice.number == "0001"
    # The payment id: the number padded to 14 digits and its modulus-10 check digit.
    assert invoice.as_document().payment.fi_line == "+71<000000000000018>+85234567<"
