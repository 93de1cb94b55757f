"""The invoice PDF, read back as text: what the buyer's bookkeeper sees."""

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal

from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from tests.invoicing.test_documents import (
    COMPANY,
    EXEMPTION,
    GLN,
    HOSTILE_NAME,
    MUNICIPALITY,
    exempt,
    invoice,
    seat,
)
from tilmeld.invoicing.documents.data import Kind, Payment
from tilmeld.invoicing.documents.pdf import invoice_html, invoice_pdf


def read(pdf: bytes) -> tuple[str, int]:
    """The visible text with runs of white space made single spaces, and the page count."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def member_invoice(**changes):
    return invoice(seat("1", "1995.00"), **{"number": "2026-0001", **changes})


def png_logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (11, 93, 107)).save(out, format="PNG")
    return out.getvalue()


def test_invoice_pdf_in_danish_shows_what_a_municipality_needs():
    text, pages = read(invoice_pdf(member_invoice()))

    assert pages == 1
    for visible in (
        "Faktura 2026-0001",
        "Dato 1. maj 2026",
        "Forfaldsdato 31. maj 2026",
        "Bibliotekernes Forening Farvergade 27D 1463 København K CVR-nr. 12345678",
        "Kunde Aarhus Kommune, Hovedbiblioteket Att. Hans Hansen",
        f"EAN-nr. {GLN}",
        "Personreference 4711",
        "Ordrenummer PO-2026-77",
        "Årsmøde 2026, medlemspris Anna Jensen, 23. maj 2026 1 1.995,00 kr. 1.995,00 kr.",
        "I alt ekskl. moms 1.995,00 kr.",
        "Moms 25 % af 1.995,00 kr. 498,75 kr.",
        "I alt inkl. moms 2.493,75 kr.",
        "Beløbet 2.493,75 kr. betales senest 31. maj 2026",
        "Bankkonto Reg.nr. 1234, kontonr. 0012345678",
        "Betalingsreference 2026-0042",
    ):
        assert visible in text


def test_invoice_pdf_in_english_uses_english_words_dates_and_amounts():
    document = invoice(
        seat("1", "1995.00"), seat("2", "1995.00", "Bo Nielsen"), number="2026-0001", language="en"
    )

    text, _pages = read(invoice_pdf(document))

    for visible in (
        "Invoice 2026-0001",
        "Date 1 May 2026",
        "Due date 31 May 2026",
        f"EAN no. {GLN}",
        "Person reference 4711",
        "Order number PO-2026-77",
        "Bo Nielsen, 23. maj 2026 1 DKK 1,995.00 DKK 1,995.00",
        "Total excl. VAT DKK 3,990.00",
        "VAT 25 % of DKK 3,990.00 DKK 997.50",
        "Total incl. VAT DKK 4,987.50",
        "Please pay DKK 4,987.50 by 31 May 2026, quoting the payment reference.",
        "Payment reference 2026-0042",
    ):
        assert visible in text
    assert "Faktura" not in text
    assert translation.get_language() == "da"  # the render did not leak its language


def test_invoice_pdf_for_an_exempt_event_prints_the_legal_basis():
    document = invoice(exempt(seat("1", "1995.00")), vat_exemption_reason=EXEMPTION)

    text, _pages = read(invoice_pdf(document))

    assert "Momsfritaget: 1.995,00 kr. 0,00 kr." in text
    assert "I alt inkl. moms 1.995,00 kr." in text
    assert EXEMPTION in text
    assert "Moms 25 %" not in text


def test_invoice_pdf_with_exempt_and_vat_lines_shows_both():
    document = invoice(
        exempt(seat("1", "1995.00")),
        seat("2", "350.00", description="Festmiddag (tilvalg)"),
        vat_exemption_reason=EXEMPTION,
    )

    text, _pages = read(invoice_pdf(document))

    assert "Momsfritaget: 1.995,00 kr. 0,00 kr. Moms 25 % af 350,00 kr. 87,50 kr." in text
    assert "I alt inkl. moms 2.432,50 kr." in text


def test_credit_note_pdf_names_the_credited_invoice_and_asks_for_no_payment():
    document = invoice(
        seat("3", "1995.00", "Deltager 3"),
        kind=Kind.CREDIT_NOTE,
        number="2026-K-0007",
        credited_number="2026-0042",
        credited_date=dt.date(2026, 4, 1),
        note="Afmelding før bindende tilmelding: Deltager 3",
    )

    text, _pages = read(invoice_pdf(document))

    assert "Kreditnota 2026-K-0007" in text
    assert "Krediterer faktura 2026-0042 af 1. april 2026" in text
    assert "Beløbet modregnes i faktura 2026-0042 eller tilbagebetales." in text
    assert "Afmelding før bindende tilmelding: Deltager 3" in text
    assert "I alt inkl. moms 2.493,75 kr." in text
    assert "Faktura 2026" not in text
    assert "betales senest" not in text
    assert "Forfaldsdato" not in text


def test_credit_note_pdf_in_english():
    document = member_invoice(
        kind=Kind.CREDIT_NOTE,
        number="2026-K-0007",
        credited_number="2026-0001",
        credited_date=dt.date(2026, 4, 1),
        language="en",
    )

    text, _pages = read(invoice_pdf(document))

    assert "Credit note 2026-K-0007" in text
    assert "Credits invoice 2026-0001 of 1 April 2026" in text


def test_invoice_pdf_for_a_group_of_12_lists_every_participant():
    names = [f"Deltager {n}" for n in range(1, 13)]
    document = invoice(*(seat(str(n), "1995.00", name) for n, name in enumerate(names, 1)))

    text, pages = read(invoice_pdf(document))

    assert [text.count(f"{name}, 23. maj 2026") for name in names] == [1] * 12
    assert "I alt inkl. moms 29.925,00 kr." in text
    assert text.count(f"Faktura 2026-0042 · {pages} / {pages}") == 1  # the last page's footer


def test_invoice_pdf_to_a_company_shows_cvr_and_iban():
    document = member_invoice(
        buyer=COMPANY,
        buyer_reference="",
        order_reference="",
        payment=Payment(reference="2026-0001", iban="DK50 0040 0440 1162 43", bic="NDEADKKK"),
    )

    text, _pages = read(invoice_pdf(document))

    assert "Bogbussen ApS Industrivej 4 5000 Odense C CVR-nr. 87654321" in text
    assert "IBAN DK50 0040 0440 1162 43 BIC NDEADKKK Betalingsreference 2026-0001" in text
    assert "EAN-nr." not in text
    assert "Personreference" not in text
    assert "Bankkonto" not in text


def test_invoice_pdf_shows_hostile_text_as_literal_text_on_one_page():
    document = member_invoice(
        lines=[
            seat("1", "1995.00", "<script>alert(1)</script> Åse & Søren", description="Møde & <b>")
        ],
        buyer=replace(MUNICIPALITY, name=HOSTILE_NAME, contact_name="Ærlig & <Ø>"),
        buyer_reference="R&D <æøå>",
        note="Bemærk: <script>x</script> & æøå",
    )

    text, pages = read(invoice_pdf(document))
    html = invoice_html(document)

    assert pages == 1
    assert " ".join(HOSTILE_NAME.split()) in text
    assert "Att. Ærlig & <Ø>" in text
    assert "Personreference R&D <æøå>" in text
    assert "Møde & <b> <script>alert(1)</script> Åse & Søren, 23. maj 2026" in text
    assert "Bemærk: <script>x</script> & æøå" in text
    assert "<script>" not in html
    assert "<b>" not in html
    assert "R&amp;D &lt;æøå&gt;" in html


def test_invoice_pdf_wraps_a_300_character_name_without_spaces_on_one_page():
    name = "Ø" * 150 + "&" * 150
    document = member_invoice(buyer=replace(MUNICIPALITY, name=name))

    text, pages = read(invoice_pdf(document))

    assert pages == 1
    assert name in text.replace(" ", "")


def test_invoice_pdf_shows_the_seller_logo_when_given():
    with_logo = PdfReader(io.BytesIO(invoice_pdf(member_invoice(), seller_logo=png_logo())))
    without = PdfReader(io.BytesIO(invoice_pdf(member_invoice())))

    assert (len(with_logo.pages[0].images), len(without.pages[0].images)) == (1, 0)


def test_invoice_pdf_writes_a_fractional_quantity_the_language_s_way():
    document = invoice(seat("1", "100.00", quantity=Decimal("1.5")))

    danish, _pages = read(invoice_pdf(document))
    english, _pages = read(invoice_pdf(replace(document, language="en")))

    assert "1,5 100,00 kr. 150,00 kr." in danish
    assert "1.5 DKK 100.00 DKK 150.00" in english
