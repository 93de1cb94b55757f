"""Issued invoices: numbers that never repeat or skip, nothing changed once issued, and no more
credited than invoiced."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from tests.invoicing.test_documents import COMPANY, EXEMPTION, exempt, invoice, seat
from tests.registrations.test_concurrency import at_once, errors
from tilmeld.invoicing.documents.data import Kind
from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import Invoice, InvoiceSeries
from tilmeld.invoicing.services import credit, issue

pytestmark = pytest.mark.django_db


def credit_note(*lines, **changes):
    return invoice(*lines, kind=Kind.CREDIT_NOTE, **changes)


def test_issued_invoices_are_numbered_in_order_and_keep_what_they_said():
    first = issue(invoice(seat("1", "1995.00")))
    second = issue(invoice(seat("1", "2795.00")))

    assert [first.number, second.number] == ["0001", "0002"]
    assert (second.net, second.vat, second.gross) == (
        Decimal("2795.00"),
        Decimal("698.75"),
        Decimal("3493.75"),
    )
    # The stored snapshot makes the same XML again, with its own number.
    sent = invoice(seat("1", "2795.00"))
    assert oioubl_xml(second.as_document()) == oioubl_xml(
        replace(sent, number="0002", payment=replace(sent.payment, reference="0002"))
    )
    assert second.as_document().payment.reference == "0002"  # what the payer quotes


def test_a_failed_issue_gives_its_number_back():
    issue(invoice(seat("1", "1995.00")))

    with pytest.raises(RuntimeError), transaction.atomic():
        issue(invoice(seat("1", "1995.00")))
        raise RuntimeError("the booking's transaction failed after the invoice")
    third = issue(invoice(seat("1", "1995.00")))

    assert list(Invoice.objects.order_by("sequence").values_list("number", flat=True)) == [
        "0001",
        "0002",
    ]
    assert third.number == "0002"


def test_a_series_with_a_prefix_numbers_with_it():
    InvoiceSeries.objects.create(code="invoice", prefix="2026-", next_number=41)

    assert issue(invoice(seat("1", "1995.00"))).number == "2026-0041"


def test_an_issued_invoice_is_never_changed():
    issued = issue(invoice(seat("1", "1995.00")))
    issued.buyer_name = "Someone else"

    with pytest.raises(DatabaseError), transaction.atomic():
        issued.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        Invoice.objects.filter(pk=issued.pk).update(gross=Decimal(0))

    issued.refresh_from_db()
    assert (issued.buyer_name, issued.gross) == (
        "Aarhus Kommune, Hovedbiblioteket",
        Decimal("2493.75"),
    )


def test_credit_notes_have_their_own_series_and_refer_to_the_invoice():
    group = issue(invoice(seat("1", "1995.00", "Anna"), seat("2", "1995.00", "Bo")))

    note = credit(group, credit_note(seat("1", "1995.00", "Bo")))

    assert (note.number, note.credits, note.gross) == ("K-0001", group, Decimal("2493.75"))
    assert note.series.code == "credit-note"
    assert (note.as_document().credited_number, note.as_document().credited_date) == (
        group.number,
        group.issue_date,
    )


def test_crediting_more_than_was_invoiced_is_refused():
    single = issue(invoice(seat("1", "1995.00")))
    credit(single, credit_note(seat("1", "1000.00")))

    with pytest.raises(InvoicingError) as error:
        credit(single, credit_note(seat("1", "1000.00")))

    assert str(error.value) == "Det ville kreditere mere, end faktura 0001 har opkrævet."
    assert single.credit_notes.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_twenty_invoices_issued_at_once_get_twenty_numbers_without_a_gap():
    results = at_once(*(lambda: issue(invoice(seat("1", "1995.00"))) for _ in range(20)))

    assert errors(results) == []
    numbers = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, 21))
    assert InvoiceSeries.objects.get(code="invoice").next_number == 21


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_staff_crediting_the_same_invoice_at_once_credit_it_once():
    single = issue(invoice(seat("1", "1995.00")))

    results = at_once(
        lambda: credit(single, credit_note(seat("1", "1995.00"))),
        lambda: credit(single, credit_note(seat("1", "1995.00"))),
    )

    assert [type(error) for error in errors(results)] == [InvoicingError]
    assert single.credit_notes.count() == 1


def test_a_series_of_its_own_is_prefixed_by_its_code():
    assert issue(invoice(seat("1", "1995.00")), series="2027").number == "2027-0001"
    assert issue(invoice(seat("1", "1995.00"))).number == "0001"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lines": []}, "En faktura skal have mindst én linje."),
        ({"lines": [exempt(seat("1", "1995.00"))]}, "Momsfri linjer skal have lovgrundlaget"),
        ({"lines": [seat("1", "99999999999.00")]}, "Et beløb på fakturaen er uden for det mulige."),
        ({"buyer_reference": "ref\x0b4711"}, "Fakturaen kan ikke skrives som e-faktura: "),
    ],
)
def test_what_could_never_be_corrected_is_refused_before_it_is_issued(changes, message):
    with pytest.raises(InvoicingError) as error:
        issue(invoice(seat("1", "1995.00"), **changes))

    assert str(error.value).startswith(message)
    assert Invoice.objects.count() == 0
    assert issue(invoice(seat("1", "1995.00"))).number == "0001"  # no number was used up


def test_vat_is_never_credited_where_the_invoice_charged_none():
    exempt_invoice = issue(invoice(exempt(seat("1", "1995.00")), vat_exemption_reason=EXEMPTION))

    with pytest.raises(InvoicingError) as error:
        credit(exempt_invoice, credit_note(seat("1", "1596.00")))  # 1596 + 399 VAT = 1995

    assert error.value.code == "too_much"


def test_a_credit_note_goes_to_the_invoices_buyer():
    issued = issue(invoice(seat("1", "1995.00")))

    note = credit(issued, credit_note(seat("1", "1995.00"), buyer=COMPANY))

    assert note.as_document().buyer == issued.as_document().buyer


def test_the_wrong_kind_of_document_is_a_programming_error():
    with pytest.raises(TypeError):
        issue(credit_note(seat("1", "1995.00")))
    with pytest.raises(TypeError):
        credit(issue(invoice(seat("1", "1995.00"))), invoice(seat("1", "1.00")))
