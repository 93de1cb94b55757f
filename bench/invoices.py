"""What invoices cost: issuing them (number, checks, stored snapshot, delivery or mail queued),
and making each one's PDF, OIOUBL and Peppol XML; then the official validation of a sample.

A mix like the association's: public bodies with EAN (one to twelve participants, a dinner
option now and then), companies with CVR, a VAT-exempt event. Runs in a throwaway database (a
temporary SQLite file, or with DATABASE_URL a fresh database next to it, dropped afterwards),
with production settings, in this process.

    python -m bench.invoices [--count 1000] [--validate 50]
"""

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.programme import configure, create_database, drop_database

EINVOICE = Path(__file__).resolve().parents[2] / "shared" / "einvoice"
NAMES = ["Anna Jensen", "Bo Nielsen", "Cecilie Østergaard", "Dorte Madsen", "Erik Sørensen"]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="invoices to issue (1000)")
    parser.add_argument(
        "--validate", type=int, default=50, help="documents of each XML form to validate (50)"
    )
    return parser.parse_args(argv)


def documents(count: int):
    """`count` invoices of the mix, numbered by the series when issued."""
    from tilmeld.invoicing.documents.data import Document, Kind, Line, Party, Payment, VatCategory

    seller = Party(
        name="Danmarks Biblioteksforening",
        street="Eksempelvej 1",
        postcode="1000",
        city="København K",
        cvr="13585628",
    )
    public = Party(
        name="Aarhus Kommune, Hovedbiblioteket",
        street="Hack Kampmanns Plads 2",
        postcode="8000",
        city="Aarhus C",
        gln="5798009811578",
        cvr="55133018",
    )
    company = Party(name="Bogbussen ApS", postcode="5000", city="Odense C", cvr="87654321")
    for n in range(count):
        exempt = n % 5 == 4
        category = VatCategory.EXEMPT if exempt else VatCategory.STANDARD
        percent = Decimal(0) if exempt else Decimal(25)
        lines = [
            Line(
                id=str(i + 1),
                description="Årsmøde 2026, medlemspris" if n % 2 else "Årsmøde 2026",
                quantity=Decimal(1),
                unit_price=Decimal("1596.00") if n % 2 else Decimal("2236.00"),
                vat_category=category,
                vat_percent=percent,
                note=f"{NAMES[(n + i) % len(NAMES)]}, 23. maj 2026",
            )
            for i in range(1 + (n % 12 if n % 7 == 0 else 0))
        ]
        if n % 3 == 0:
            lines.append(
                Line(
                    str(len(lines) + 1), "Middag", Decimal(1), Decimal("280.00"), category, percent
                )
            )
        yield Document(
            kind=Kind.INVOICE,
            number="",
            issue_date=dt.date(2026, 5, 1),
            due_date=dt.date(2026, 5, 31),
            seller=seller,
            buyer=company if n % 4 == 3 else public,
            lines=lines,
            payment=Payment(reference="", bank_reg="1234", bank_account="0012345678"),
            buyer_reference="4711",
            order_reference=f"PO-{n}",
            vat_exemption_reason="Momsfritaget efter momslovens § 13, stk. 1, nr. 6"
            if exempt
            else "",
            language="en" if n % 10 == 9 else "da",
        )


def run(args) -> None:
    from tilmeld.invoicing.documents.oioubl import oioubl_xml
    from tilmeld.invoicing.documents.pdf import invoice_pdf
    from tilmeld.invoicing.documents.peppol import peppol_xml
    from tilmeld.invoicing.services import issue

    start = time.perf_counter()
    issued = [issue(document) for document in documents(args.count)]
    issuing = time.perf_counter() - start
    timings, xml = {}, {"oioubl": [], "peppol": []}
    for name, render in (("PDF", invoice_pdf), ("OIOUBL", oioubl_xml), ("Peppol", peppol_xml)):
        start = time.perf_counter()
        for invoice in issued:
            document = invoice.as_document()
            if name == "PDF" or document.e_invoiceable:
                output = render(document)
                if name != "PDF" and len(xml[name.lower()]) < args.validate:
                    xml[name.lower()].append(output)
        timings[name] = time.perf_counter() - start
    lines = sum(len(invoice.document["lines"]) for invoice in issued)
    print(f"invoices: {len(issued)} issued, {lines} lines")
    print("  issue: number, checks, both XML once, snapshot, delivery or mail queued")
    rate("issue", len(issued), issuing)
    for name, seconds in timings.items():
        rate(name, len(issued), seconds)
    validate_sample(xml)


def rate(label: str, count: int, seconds: float) -> None:
    print(f"  {label:<8} {count / seconds:8.1f} /s  {1000 * seconds / count:7.1f} ms each")


def validate_sample(xml: dict[str, list[bytes]]) -> None:
    if not (EINVOICE / "validate.py").exists():
        print(f"  validation: skipped, no rules at {EINVOICE}")
        return
    sys.path.insert(0, str(EINVOICE))
    from validate import validate  # the shared offline validator, never part of the project

    start = time.perf_counter()
    validate(xml["oioubl"][0])  # compiles the stylesheets once
    compiling = time.perf_counter() - start
    for form, documents_ in xml.items():
        start = time.perf_counter()
        fatal = sum(len(validate(document).fatal) for document in documents_)
        seconds = time.perf_counter() - start
        print(f"  validation {form:<6} {len(documents_)} documents, {fatal} fatal findings, "
              f"{1000 * seconds / len(documents_):6.1f} ms each")  # fmt: skip
    print(f"  validation: compiling the rules took {compiling:.1f} s once")


def main(argv=None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    workdir = Path(tempfile.mkdtemp(prefix="tilmeld-bench-invoices-"))
    try:
        configure(workdir)
        from django.conf import settings
        from django.db import connection

        settings.INVOICE_DELIVERY_DIR = workdir / "einvoices"
        original = connection.settings_dict["NAME"]
        print(f"database: {create_database(workdir)}")
        try:
            run(args)
        finally:
            drop_database(original)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
