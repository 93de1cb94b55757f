"""OIOUBL 2.1 and Peppol BIS 3.0 documents against the official rules, offline.

The rules live in shared/einvoice beside the repository (never inside it: the OpenPeppol files
may not be redistributed). Without that folder these tests skip and say so; CI has it.
"""

import datetime as dt
import importlib.util
import sys
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from tilmeld.invoicing.documents.data import Document, Kind, Line, Party, Payment, VatCategory
from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.documents.peppol import peppol_xml

EINVOICE = Path(__file__).resolve().parents[3] / "shared" / "einvoice"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
FORMATS = {"oioubl": oioubl_xml, "peppol": peppol_xml}
EXEMPTION = "Momsfritaget efter momslovens § 13, stk. 1, nr. 6"
GLN = "5798009811578"  # NemHandel's sample buyer, a valid GS1 number
HOSTILE_NAME = ("<script>alert('x')</script> Smørre & Æble Ø-bibliotek " * 6)[:300]


@pytest.fixture(scope="module")
def validate():
    """The shared validator; it compiles its stylesheets (about 5 s) once per process."""
    if not (EINVOICE / "validate.py").exists():
        pytest.skip(f"e-invoice rules not found at {EINVOICE} (CI has them beside the clone)")
    spec = importlib.util.spec_from_file_location("einvoice_validate", EINVOICE / "validate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.validate


SELLER = Party(
    name="Bibliotekernes Forening",
    street="Farvergade 27D",
    postcode="1463",
    city="København K",
    cvr="12345678",
    contact_name="Bogholderiet",
    contact_email="faktura@example.dk",
)
MUNICIPALITY = Party(
    name="Aarhus Kommune, Hovedbiblioteket",
    street="Hack Kampmanns Plads 2",
    postcode="8000",
    city="Aarhus C",
    gln=GLN,
    contact_name="Hans Hansen",
    contact_email="hans@example.dk",
)
COMPANY = Party(
    name="Bogbussen ApS", street="Industrivej 4", postcode="5000", city="Odense C", cvr="87654321"
)


def seat(line_id: str, amount: str, name: str = "Anna Jensen", **kwargs) -> Line:
    return Line(
        id=line_id,
        description=kwargs.pop("description", "Årsmøde 2026, medlemspris"),
        quantity=kwargs.pop("quantity", Decimal(1)),
        unit_price=Decimal(amount),
        vat_category=kwargs.pop("vat_category", VatCategory.STANDARD),
        note=f"{name}, 23. maj 2026",
        **kwargs,
    )


def invoice(*lines: Line, **changes) -> Document:
    document = Document(
        kind=Kind.INVOICE,
        number="2026-0042",
        issue_date=dt.date(2026, 5, 1),
        due_date=dt.date(2026, 5, 31),
        seller=SELLER,
        buyer=MUNICIPALITY,
        lines=list(lines),
        payment=Payment(reference="2026-0042", bank_reg="1234", bank_account="0012345678"),
        buyer_reference="4711",
        order_reference="PO-2026-77",
    )
    return replace(document, **changes)


def exempt(line: Line) -> Line:
    return replace(line, vat_category=VatCategory.EXEMPT, vat_percent=Decimal(0))


CASES = {
    "member_price": invoice(seat("1", "1995.00")),
    "non_member_price": invoice(seat("1", "2795.00", description="Årsmøde 2026, ikke-medlem")),
    "two_participants": invoice(seat("1", "1995.00"), seat("2", "1995.00", "Bo Nielsen")),
    "exempt": invoice(exempt(seat("1", "1995.00")), vat_exemption_reason=EXEMPTION),
    "early_bird": invoice(seat("1", "1595.00", description="Årsmøde 2026, early bird")),
    "group_of_12": invoice(*(seat(str(n), "1995.00", f"Deltager {n}") for n in range(1, 13))),
    "option_dinner": invoice(
        seat("1", "1995.00"), seat("2", "350.00", description="Festmiddag (tilvalg)")
    ),
    "exempt_and_vat": invoice(
        exempt(seat("1", "1995.00")),
        seat("2", "350.00", description="Festmiddag (tilvalg)"),
        vat_exemption_reason=EXEMPTION,
    ),
    "credit_one_of_group": invoice(
        seat("3", "1995.00", "Deltager 3"),
        kind=Kind.CREDIT_NOTE,
        number="2026-K-0007",
        credited_number="2026-0042",
        credited_date=dt.date(2026, 4, 1),
        note="Afmelding før bindende tilmelding: Deltager 3",
    ),
    "company_cvr_only_iban": invoice(
        seat("1", "2795.00"),
        buyer=COMPANY,
        buyer_reference="",
        order_reference="",
        payment=Payment(reference="2026-0042", iban="DK50 0040 0440 1162 43", bic="NDEADKKK"),
    ),
    "rounding": invoice(*(seat(str(n), "33.33", f"Deltager {n}") for n in range(1, 4))),
    "hostile_text": invoice(
        seat("1", "1995.00", "<script>alert(1)</script> Åse & Søren", description="Møde & <b>"),
        buyer=replace(MUNICIPALITY, name=HOSTILE_NAME, contact_name="Ærlig & <Ø>"),
        buyer_reference="R&D <æøå>",
        note="Bemærk: <script>x</script> & æøå",
    ),
}


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def text(tree: etree._Element, path: str) -> str:
    return tree.findtext(path, namespaces=NS)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_document_passes_official_rules(validate, case, fmt):
    report = validate(FORMATS[fmt](CASES[case]))

    assert report.profile == fmt
    assert report.fatal == [], "\n".join(map(str, report.fatal))
    assert report.ok


@pytest.mark.parametrize(
    ("fmt", "rule"), [("oioubl", "F-LIB181"), ("peppol", "PEPPOL-COMMON-R040")]
)
def test_document_with_12_digit_ean_is_refused(validate, fmt, rule):
    document = invoice(seat("1", "1995.00"), buyer=replace(MUNICIPALITY, gln=GLN[:12]))

    report = validate(FORMATS[fmt](document))

    assert rule in {finding.rule for finding in report.fatal}


def test_oioubl_public_body_keys():
    tree = parse(oioubl_xml(CASES["two_participants"]))

    endpoint = tree.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (endpoint.text, endpoint.get("schemeID")) == (GLN, "GLN")
    seller = tree.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert text(seller, "cbc:EndpointID") == "DK12345678"
    assert text(seller, "cac:PartyLegalEntity/cbc:CompanyID") == "DK12345678"
    assert text(tree, "cac:AccountingCustomerParty/cac:Party/cac:Contact/cbc:ID") == "4711"
    assert text(tree, "cac:OrderReference/cbc:ID") == "PO-2026-77"
    assert text(tree, "cac:PaymentMeans/cbc:PaymentMeansCode") == "42"
    account = tree.find("cac:PaymentMeans/cac:PayeeFinancialAccount", NS)
    assert text(account, "cbc:ID") == "0012345678"
    assert text(account, "cac:FinancialInstitutionBranch/cbc:ID") == "1234"
    assert text(account, "cbc:PaymentNote") == "2026-0042"
    assert text(tree, "cac:TaxTotal/cbc:TaxAmount") == "997.50"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == "3990.00"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == "997.50"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "4987.50"


def test_peppol_public_body_keys():
    tree = parse(peppol_xml(CASES["two_participants"]))

    endpoint = tree.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (endpoint.text, endpoint.get("schemeID")) == (GLN, "0088")
    seller = tree.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert (text(seller, "cbc:EndpointID"), seller.find("cbc:EndpointID", NS).get("schemeID")) == (
        "DK12345678",
        "0184",
    )
    assert seller.find("cac:PartyLegalEntity/cbc:CompanyID", NS).get("schemeID") == "0184"
    assert text(tree, "cbc:BuyerReference") == "4711"
    assert text(tree, "cac:OrderReference/cbc:ID") == "PO-2026-77"
    assert text(tree, "cac:PaymentMeans/cbc:PaymentID") == "2026-0042"
    assert text(tree, "cac:TaxTotal/cbc:TaxAmount") == "997.50"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == "3990.00"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == "4987.50"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "4987.50"


def test_company_without_ean_is_addressed_by_cvr():
    oioubl = parse(oioubl_xml(CASES["company_cvr_only_iban"]))
    peppol = parse(peppol_xml(CASES["company_cvr_only_iban"]))

    path = "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID"
    assert (oioubl.find(path, NS).text, oioubl.find(path, NS).get("schemeID")) == (
        "DK87654321",
        "DK:CVR",
    )
    assert (peppol.find(path, NS).text, peppol.find(path, NS).get("schemeID")) == (
        "DK87654321",
        "0184",
    )
    assert text(oioubl, "cac:PaymentMeans/cbc:PaymentMeansCode") == "31"
    assert text(peppol, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == (
        "DK5000400440116243"
    )


@pytest.mark.parametrize(("fmt", "category"), [("oioubl", "ZeroRated"), ("peppol", "E")])
def test_exempt_category_carries_the_legal_basis(fmt, category):
    tree = parse(FORMATS[fmt](CASES["exempt_and_vat"]))

    subtotals = tree.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    found = [
        (
            text(subtotal, "cac:TaxCategory/cbc:ID"),
            text(subtotal, "cbc:TaxableAmount"),
            text(subtotal, "cbc:TaxAmount"),
            text(subtotal, "cac:TaxCategory/cbc:TaxExemptionReason"),
        )
        for subtotal in subtotals
    ]
    standard = "StandardRated" if fmt == "oioubl" else "S"
    assert found == [(category, "1995.00", "0.00", EXEMPTION), (standard, "350.00", "87.50", None)]
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "2432.50"


@pytest.mark.parametrize("fmt", FORMATS)
def test_credit_note_refers_to_invoice_with_positive_amounts(fmt):
    tree = parse(FORMATS[fmt](CASES["credit_one_of_group"]))

    assert etree.QName(tree).localname == "CreditNote"
    assert text(tree, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == "2026-0042"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "2493.75"
    assert text(tree, "cac:CreditNoteLine/cbc:CreditedQuantity") == "1.00"
    assert text(tree, "cac:CreditNoteLine/cbc:LineExtensionAmount") == "1995.00"


def test_group_of_12_has_one_line_per_participant():
    for render in FORMATS.values():
        tree = parse(render(CASES["group_of_12"]))

        lines = tree.findall("cac:InvoiceLine", NS)
        assert [text(line, "cbc:ID") for line in lines] == [str(n) for n in range(1, 13)]
        assert text(tree, "cac:TaxTotal/cbc:TaxAmount") == "5985.00"
        assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "29925.00"


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_round_trips_escaped(fmt):
    xml = FORMATS[fmt](CASES["hostile_text"])
    tree = parse(xml)

    assert b"<script>" not in xml
    assert b"&lt;script&gt;" in xml
    party = tree.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert text(party, "cac:PartyName/cbc:Name") == HOSTILE_NAME
    assert len(HOSTILE_NAME) == 300
    assert text(party, "cac:Contact/cbc:Name") == "Ærlig & <Ø>"
    line = tree.find("cac:InvoiceLine", NS)
    assert text(line, "cac:Item/cbc:Name") == "Møde & <b>"
    assert text(line, "cac:Item/cbc:Description") == (
        "<script>alert(1)</script> Åse & Søren, 23. maj 2026"
    )
    assert text(tree, "cbc:Note") == "Bemærk: <script>x</script> & æøå"


@pytest.mark.parametrize("fmt", FORMATS)
def test_vat_is_rounded_once_per_category_not_per_line(fmt):
    # Three lines of 33.33: 8.33 VAT each would make 24.99; 25 % of 99.99 is 25.00 (24.9975).
    tree = parse(FORMATS[fmt](CASES["rounding"]))

    assert text(tree, "cac:TaxTotal/cbc:TaxAmount") == "25.00"
    assert text(tree, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == "99.99"
    assert text(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "124.99"


@pytest.mark.parametrize("fmt", FORMATS)
def test_buyer_without_gln_or_cvr_is_refused(fmt):
    person = Party(name="Anna Jensen", street="Vej 1", postcode="8000", city="Aarhus C")

    with pytest.raises(ValueError, match="neither an EAN/GLN nor a CVR number"):
        FORMATS[fmt](invoice(seat("1", "1995.00"), buyer=person))
