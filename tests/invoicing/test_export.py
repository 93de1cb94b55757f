import datetime as dt
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.invoicing.test_documents import COMPANY, HOSTILE_NAME, invoice, seat
from tilmeld.invoicing.documents.data import Kind
from tilmeld.invoicing.services import credit, issue

pytestmark = pytest.mark.django_db


def test_export_writes_each_document_in_three_forms_and_a_ledger(tmp_path):
    group = issue(invoice(seat("1", "1995.00", "Anna"), seat("2", "1995.00", "Bo")))
    credit(group, invoice(seat("2", "1995.00", "Bo"), kind=Kind.CREDIT_NOTE))
    issue(invoice(seat("1", "500.00"), buyer=replace(COMPANY, name=f"=SUM(A1) {HOSTILE_NAME}")))
    out = StringIO()

    call_command("export_invoices", str(tmp_path), stdout=out)

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "0001.oioubl.xml",
        "0001.pdf",
        "0001.peppol.xml",
        "0002.oioubl.xml",
        "0002.pdf",
        "0002.peppol.xml",
        "K-0001.oioubl.xml",
        "K-0001.pdf",
        "K-0001.peppol.xml",
        "ledger.csv",
    ]
    assert out.getvalue() == f"3 documents and ledger.csv written to {tmp_path}.\n"
    assert "Kreditnota K-0001" in PdfReader(tmp_path / "K-0001.pdf").pages[0].extract_text()
    assert b"<cbc:ID>K-0001</cbc:ID>" in (tmp_path / "K-0001.peppol.xml").read_bytes()
    ledger = (tmp_path / "ledger.csv").read_text(encoding="utf-8-sig").splitlines()
    assert ledger[:3] == [
        "Nummer;Art;Dato;Betaler;EAN/CVR;Ekskl. moms;Moms;Inkl. moms;Forfald;Krediterer;Betalt",
        "0001;Faktura;2026-05-01;Aarhus Kommune, Hovedbiblioteket;5798009811578;3990,00;997,50;"
        "4987,50;2026-05-31;;",
        "K-0001;Kreditnota;2026-05-01;Aarhus Kommune, Hovedbiblioteket;5798009811578;-1995,00;"
        "-498,75;-2493,75;2026-05-31;0001;",
    ]
    assert ledger[3].startswith("0002;Faktura;2026-05-01;'=SUM(A1) <script>")  # never a formula


def test_export_since_a_date_leaves_out_older_documents(tmp_path):
    issue(invoice(seat("1", "1995.00"), issue_date=dt.date(2026, 4, 1)))
    issue(invoice(seat("1", "1995.00"), issue_date=dt.date(2026, 5, 1)))

    call_command("export_invoices", str(tmp_path), "--since", "2026-05-01", stdout=StringIO())

    assert sorted(path.name for path in tmp_path.glob("*.pdf")) == ["0002.pdf"]


def test_a_private_person_gets_a_pdf_and_no_e_invoice_files(tmp_path):
    person = replace(COMPANY, name="Lis Holm", cvr="")
    issue(invoice(seat("1", "500.00"), buyer=person))

    call_command("export_invoices", str(tmp_path), stdout=StringIO())

    assert sorted(path.name for path in tmp_path.iterdir()) == ["0001.pdf", "ledger.csv"]
