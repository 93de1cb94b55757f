"""Importing a Danish bank's CSV export: which lines become payments, which were imported
before, which are left for staff and why, and files refused whole."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.invoicing.test_documents import invoice, seat
from tests.invoicing.test_payments import credit_of, pay, single
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import InvoiceSeries, Payment
from tilmeld.invoicing.payments import import_bank_csv
from tilmeld.invoicing.selectors import amounts
from tilmeld.invoicing.services import issue

pytestmark = pytest.mark.django_db

D = Decimal


def imported(text: str, encoding: str = "utf-8"):
    return import_bank_csv(text.encode(encoding), by=None)


def reasons(result) -> list[tuple[int, str]]:
    return [(line.line, reason) for line, reason in result.unmatched]


def test_import_records_whole_and_part_payments_in_either_format():
    first, second = single(), single()

    result = imported(
        "20-05-2026;Betaling faktura 0001;2.493,75\n"
        "2026-05-21;Indbet. nr.0002, Aarhus Kommune;1000.00\n"
        "22.05.2026;0002;493,75\n"
    )

    assert [(line.line, p.invoice.number, p.amount, p.paid_on) for line, p in result.matched] == [
        (1, "0001", D("2493.75"), dt.date(2026, 5, 20)),
        (2, "0002", D("1000.00"), dt.date(2026, 5, 21)),
        (3, "0002", D("493.75"), dt.date(2026, 5, 22)),
    ]
    assert (result.already_imported, result.unmatched) == ([], [])
    assert amounts(first).outstanding == D("0.00")
    assert amounts(second).outstanding == D("1000.00")
    assert Payment.objects.get(amount=D("1000.00")).reference == ("Indbet. nr.0002, Aarhus Kommune")
    assert set(Payment.objects.values_list("source", "recorded_by")) == {("bank", "")}


def test_import_reads_a_header_in_any_order_a_bom_and_windows_1252():
    single()
    single()

    with_bom = imported(
        "\ufeffBeløb;Saldo;Tekst;Dato\n-100,00;1,00;Gebyr;01-05-2026\n"
        "100,00;9,00;Faktura 0001;20-05-2026\n"
    )
    cp1252 = imported("Dato;Tekst;Beløb\n20-05-2026;Fakt. 0002 Ærø Kommune;50,00\n", "cp1252")

    assert reasons(with_bom) == [(2, "Ikke en indbetaling.")]
    assert [p.amount for _, p in with_bom.matched] == [D("100.00")]
    assert [p.reference for _, p in cp1252.matched] == ["Fakt. 0002 Ærø Kommune"]


def test_import_of_the_same_file_twice_records_nothing_twice():
    issued = single()
    data = "20-05-2026;Faktura 0001;1000,00\n21-05-2026;Faktura 0001;1000,00\n"

    first = imported(data)
    second = imported(data)

    assert (len(first.matched), len(first.already_imported)) == (2, 0)
    assert (len(second.matched), len(second.already_imported), second.unmatched) == (0, 2, [])
    assert [p.pk for _, p in second.already_imported] == [p.pk for _, p in first.matched]
    assert amounts(issued).paid == D("2000.00")


def test_import_never_takes_a_credit_note_or_a_longer_number_for_an_invoice():
    issued = single()
    credit_of(issued, "100.00")  # K-0001
    InvoiceSeries.objects.create(code="y2026", prefix="2026-")
    other = issue(invoice(seat("1", "100.00")), series="y2026")

    result = imported(
        "20-05-2026;Retur K-0001;125,00\n"
        "20-05-2026;Faktura 2026-0001;125,00\n"
        "20-05-2026;Faktura 00012;125,00\n"
        "20-05-2026;Faktura 0001-A;125,00\n"
    )

    assert reasons(result) == [
        (1, "K-0001 er en kreditnota; en betaling registreres på en faktura."),
        (3, "Der er intet fakturanummer i teksten."),
        (4, "Der er intet fakturanummer i teksten."),
    ]
    assert [(line.line, p.invoice) for line, p in result.matched] == [(2, other)]
    assert issued.payments.count() == 0


def test_import_leaves_overpayments_and_ambiguous_lines_to_staff():
    single()
    paid = single()
    pay(paid, "2493.75")
    single()

    result = imported(
        "20-05-2026;Faktura 0001;2.500,00\n"
        "20-05-2026;Faktura 0002;100,00\n"
        "20-05-2026;Fakturaer 0001 og 0003;100,00\n"
        "20-05-2026;Faktura 0001 (kreditnota K-0099);100,00\n"
    )

    assert reasons(result) == [
        (1, "2.500,00 kr. er mere end de 2.493,75 kr., der står udestående på faktura 0001."),
        (2, "Der er intet udestående på faktura 0002."),
        (3, "Teksten nævner flere fakturaer: 0001, 0003."),
    ]
    assert [(line.line, p.invoice.number) for line, p in result.matched] == [(4, "0001")]


def test_import_stores_hostile_text_as_one_harmless_line():
    issued = single()
    hostile = "=cmd|' /C calc'!A0 <script>alert(1)</script> %(x)s \x00\x1b[31m Faktura 0001 " + (
        "æøå & " * 200
    )

    result = imported(f'20-05-2026;"{hostile}\nnæste linje";10,00\n')

    payment = issued.payments.get()
    assert [p for _, p in result.matched] == [payment]
    assert payment.reference.startswith(
        "=cmd|' /C calc'!A0 <script>alert(1)</script> %(x)s [31m Faktura 0001 æøå & "
    )
    assert len(payment.reference) == 300
    assert "\x00" not in payment.reference and "\n" not in payment.reference


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Filen er tom."),
        (
            b"20-05-2026,Faktura 0001,100.00\n",
            "Filen skal have kolonnerne dato, tekst og beløb, adskilt af semikolon.",
        ),
        (
            b"Dato;Tekst;Saldo\n20-05-2026;Faktura 0001;100,00\n",
            "Filen skal have kolonnerne dato, tekst og beløb, adskilt af semikolon.",
        ),
        (
            b"20-05-2026;Faktura 0001;100,00\n21-05-2026;Faktura 0001;abc\n",
            "Linje 2: »abc« er ikke et beløb.",
        ),
        (
            b"20-05-2026;Faktura 0001;100,00\n21-05-2026;Faktura 0001;1.000,005\n",
            "Linje 2: »1.000,005« er ikke et beløb.",
        ),
        (
            b"20-05-2026;Faktura 0001;100,00\n31-02-2026;Faktura 0001;100,00\n",
            "Linje 2: »31-02-2026« er ikke en dato (dd-mm-åååå eller åååå-mm-dd).",
        ),
        (
            b"20-05-2026;Faktura 0001;100,00\n21-05-2026;Faktura 0001\n",
            "Linje 2 mangler en dato, en tekst eller et beløb.",
        ),
        (
            b"20-05-2026;Faktura 0001;\x81\x8d\x90\n",
            "Filen er ikke tekst i UTF-8 eller Windows-1252.",
        ),
        (
            b'20-05-2026;"Faktura 0001' + b" x" * 100_000 + b'";100,00\n',
            "Linje 1 kan ikke læses som CSV.",  # longer than csv's field limit
        ),
    ],
)
def test_import_of_a_bad_file_is_refused_whole(data, message):
    single()

    with pytest.raises(InvoicingError) as error:
        import_bank_csv(data, by=None)

    assert str(error.value) == message
    assert Payment.objects.count() == 0
