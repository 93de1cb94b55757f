"""Payments: recorded by hand or from a bank's CSV, never more than is outstanding, and what is
paid and outstanding summed from them (the invoice row is never updated)."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from tests.factories import StaffFactory
from tests.invoicing.test_documents import invoice, seat
from tests.registrations.test_concurrency import at_once, errors
from tilmeld.invoicing.documents.data import Kind
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.exports import ledger_csv
from tilmeld.invoicing.models import Invoice, Payment
from tilmeld.invoicing.payments import import_bank_csv, record_payment
from tilmeld.invoicing.selectors import Balance, amounts, overdue, with_balances
from tilmeld.invoicing.services import credit, issue

pytestmark = pytest.mark.django_db

MAY_20 = dt.date(2026, 5, 20)
D = Decimal


def single(**changes) -> Invoice:
    """1.995,00 kr. + 25 % VAT = 2.493,75 kr., due 31 May 2026."""
    return issue(invoice(seat("1", "1995.00"), **changes))


def credit_of(issued: Invoice, amount: str) -> Invoice:
    return credit(issued, invoice(seat("1", amount), kind=Kind.CREDIT_NOTE))


def pay(issued: Invoice, amount, *, paid_on=MAY_20, **kwargs) -> Payment:
    return record_payment(issued, amount, paid_on=paid_on, by=None, **kwargs)


def refusal(call) -> str:
    with pytest.raises(InvoicingError) as error:
        call()
    return str(error.value)


def test_record_payment_in_two_parts_leaves_nothing_outstanding():
    issued = single()
    staff = StaffFactory(username="bogholder")

    first = record_payment(issued, "1000.00", paid_on=MAY_20, by=staff, reference="Giro 4711")
    assert amounts(issued) == Balance(D("2493.75"), D("0.00"), D("1000.00"), D("1493.75"))
    record_payment(issued, D("1493.75"), paid_on=dt.date(2026, 5, 28), by=None)

    assert amounts(issued) == Balance(D("2493.75"), D("0.00"), D("2493.75"), D("0.00"))
    assert (first.amount, first.reference, first.source, first.recorded_by) == (
        D("1000.00"),
        "Giro 4711",
        "manual",
        "bogholder",
    )
    assert first.get_source_display() == "Manuel"
    assert list(issued.payments.values_list("paid_on", flat=True)) == [
        MAY_20,
        dt.date(2026, 5, 28),
    ]


def test_record_payment_of_more_than_outstanding_is_refused():
    issued = single()

    message = refusal(lambda: pay(issued, "2493.76"))

    assert message == (
        "2.493,76 kr. er mere end de 2.493,75 kr., der står udestående på faktura 0001."
    )
    assert Payment.objects.count() == 0


def test_record_payment_refusal_is_in_english_for_english_staff():
    issued = single()

    with translation.override("en"):
        message = refusal(lambda: pay(issued, "2493.76"))

    assert message == "DKK 2,493.76 is more than the DKK 2,493.75 outstanding on invoice 0001."


def test_record_payment_counts_credit_notes_as_settled():
    issued = single()
    credit_of(issued, "1000.00")  # 1.250,00 kr. incl. VAT

    message = refusal(lambda: pay(issued, "2493.75"))
    pay(issued, "1243.75")

    assert message == (
        "2.493,75 kr. er mere end de 1.243,75 kr., der står udestående på faktura 0001."
    )
    assert amounts(issued) == Balance(D("2493.75"), D("1250.00"), D("1243.75"), D("0.00"))


def test_record_payment_on_a_paid_invoice_is_refused():
    issued = single()
    pay(issued, "2493.75")

    assert refusal(lambda: pay(issued, "0.01")) == "Der er intet udestående på faktura 0001."
    assert issued.payments.count() == 1


def test_record_payment_on_a_credit_note_is_refused():
    note = credit_of(single(), "1995.00")

    message = refusal(lambda: pay(note, "100.00"))

    assert message == "K-0001 er en kreditnota; en betaling registreres på en faktura."
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "En betaling skal være på mere end 0 kr."),
        (D("-100.00"), "En betaling skal være på mere end 0 kr."),
        ("10.005", "Et beløb angives i kroner og øre (to decimaler)."),
        ("abc", "Et beløb angives i kroner og øre (to decimaler)."),
        ("NaN", "Et beløb angives i kroner og øre (to decimaler)."),
        ("1e30", "Et beløb angives i kroner og øre (to decimaler)."),
        (None, "Et beløb angives i kroner og øre (to decimaler)."),
    ],
)
def test_record_payment_of_a_bad_amount_is_refused(amount, message):
    issued = single()

    assert refusal(lambda: pay(issued, amount)) == message
    assert Payment.objects.count() == 0


def test_with_balances_sums_credit_notes_and_payments_per_invoice():
    paid, part, credited, untouched = single(), single(), single(), single()
    pay(paid, "2493.75")
    pay(part, "500.00")
    pay(part, "0.10")
    credit_of(credited, "1995.00")

    rows = with_balances(Invoice.objects.filter(kind="invoice")).order_by("number")

    assert [(i.number, i.credited, i.paid, i.outstanding) for i in rows] == [
        ("0001", D("0.00"), D("2493.75"), D("0.00")),
        ("0002", D("0.00"), D("500.10"), D("1993.65")),
        ("0003", D("2493.75"), D("0.00"), D("0.00")),
        ("0004", D("0.00"), D("0.00"), D("2493.75")),
    ]
    assert untouched.gross == D("2493.75")


@pytest.mark.parametrize("count", [1, 3])
def test_with_balances_reads_any_number_of_invoices_in_one_query(count, django_assert_num_queries):
    for _ in range(count):
        issued = single()
        pay(issued, "100.00")
        pay(issued, "200.00")
        credit_of(issued, "100.00")

    with django_assert_num_queries(1):
        rows = list(with_balances(Invoice.objects.filter(kind="invoice")))

    assert [row.outstanding for row in rows] == [D("2068.75")] * count


def test_overdue_lists_invoices_past_due_with_something_outstanding():
    unpaid = single()
    part = single()
    pay(part, "2493.74")
    pay(single(), "2493.75")
    credit_of(single(), "1995.00")
    single(due_date=dt.date(2026, 6, 30))

    rows = overdue(dt.date(2026, 6, 1)).order_by("number")

    assert [(row.number, row.outstanding) for row in rows] == [
        (unpaid.number, D("2493.75")),
        (part.number, D("0.01")),
    ]
    assert list(overdue(dt.date(2026, 5, 31))) == []  # due that day: not yet overdue


@pytest.mark.parametrize("count", [1, 3])
def test_ledger_says_when_each_invoice_was_paid_in_full(count, django_assert_num_queries):
    for _ in range(count):
        issued = single()
        pay(issued, "1000.00", paid_on=dt.date(2026, 5, 10))
        pay(issued, "1493.75", paid_on=dt.date(2026, 5, 25))
        part = single()
        pay(part, "1000.00")
        credit_of(part, "500.00")
    invoices = with_balances(Invoice.objects.select_related("credits")).order_by("id")

    with django_assert_num_queries(1):
        ledger = ledger_csv(invoices).decode("utf-8-sig").splitlines()

    paid_column = [row.rsplit(";", 1)[1] for row in ledger[1:]]
    assert paid_column == ["2026-05-25", "", ""] * count  # paid, part-paid, its credit note


def test_ledger_leaves_paid_empty_for_an_invoice_only_credited():
    credit_of(single(), "1995.00")

    ledger = ledger_csv(with_balances(Invoice.objects.order_by("id")))

    assert [row.rsplit(";", 1)[1] for row in ledger.decode("utf-8-sig").splitlines()[1:]] == [
        "",
        "",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_staff_recording_the_full_amount_at_once_record_it_once():
    issued = single()

    results = at_once(lambda: pay(issued, "2493.75"), lambda: pay(issued, "2493.75"))

    assert [str(error) for error in errors(results)] == ["Der er intet udestående på faktura 0001."]
    assert list(issued.payments.values_list("amount", flat=True)) == [D("2493.75")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_the_same_bank_file_imported_twice_at_once_records_each_payment_once():
    issued = single()
    data = b"20-05-2026;Faktura 0001;1000,00\n21-05-2026;Faktura 0001;1493,75\n"

    results = at_once(
        lambda: import_bank_csv(data, by=None), lambda: import_bank_csv(data, by=None)
    )

    assert errors(results) == []
    assert sorted((len(r.matched), len(r.already_imported)) for r in results) == [(0, 2), (2, 0)]
    assert amounts(issued).outstanding == D("0.00")
    assert issued.payments.count() == 2


def test_import_bank_csv_command_prints_what_it_did(tmp_path):
    single()
    path = tmp_path / "bank.csv"
    path.write_bytes(
        b"Dato;Tekst;Bel\xf8b;Saldo\n"  # Windows-1252, as many Danish banks export
        b"20-05-2026;Faktura 0001 \xc6blebyen;2.493,75;10.000,00\n"
        b"21-05-2026;Husleje;-8.000,00;2.000,00\n"
    )
    out = StringIO()

    call_command("import_bank_csv", str(path), stdout=out)
    call_command("import_bank_csv", str(path), stdout=out)

    assert out.getvalue().splitlines() == [
        "Bogført: 1. Allerede importeret: 0. Ikke fundet: 1.",
        "Linje 3 (-8.000,00 kr., »Husleje«): Ikke en indbetaling.",
        "Bogført: 0. Allerede importeret: 1. Ikke fundet: 1.",
        "Linje 3 (-8.000,00 kr., »Husleje«): Ikke en indbetaling.",
    ]
    assert Payment.objects.get().reference == "Faktura 0001 Æblebyen"


def test_export_command_writes_the_day_paid_in_full_into_the_ledger(tmp_path):
    issued = single()
    pay(issued, "2000.00", paid_on=dt.date(2026, 5, 10))
    pay(issued, "493.75", paid_on=dt.date(2026, 6, 2))
    pay(single(), "100.00")

    call_command("export_invoices", str(tmp_path), stdout=StringIO())

    ledger = (tmp_path / "ledger.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [row.split(";")[0] + ";" + row.rsplit(";", 1)[1] for row in ledger[1:]] == [
        "0001;2026-06-02",
        "0002;",
    ]
