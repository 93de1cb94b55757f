"""What OIOUBL 2.1 and Peppol BIS Billing 3.0 share: both are UBL 2.1 documents, written here
with lxml so that every text is escaped by the serializer, never by hand."""

import uuid
from decimal import Decimal

from lxml import etree

from .data import Document, Kind, Party, money

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOT_NS = {
    Kind.INVOICE: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    Kind.CREDIT_NOTE: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
ROOT_TAG = {Kind.INVOICE: "Invoice", Kind.CREDIT_NOTE: "CreditNote"}
LINE_TAG = {Kind.INVOICE: "InvoiceLine", Kind.CREDIT_NOTE: "CreditNoteLine"}
QUANTITY_TAG = {Kind.INVOICE: "InvoicedQuantity", Kind.CREDIT_NOTE: "CreditedQuantity"}
UNIT_CODE = "EA"  # UN/ECE rec. 20 "each": one seat, one dinner
# Our own namespace for the documents' UUIDs: the same document always gets the same UUID.
UUID_NAMESPACE = uuid.UUID("6f1f4b8e-5d0a-4c57-9a43-0c3c1f7f2a10")


def root(document: Document) -> etree._Element:
    """An empty Invoice or CreditNote element with the UBL namespaces declared once. Refuses a
    document that no e-invoice can carry (check_addressable)."""
    check_addressable(document)
    ns = ROOT_NS[document.kind]
    nsmap = {None: ns, "cac": CAC, "cbc": CBC}
    return etree.Element(f"{{{ns}}}{ROOT_TAG[document.kind]}", nsmap=nsmap)


def cbc(parent: etree._Element, name: str, text: object = None, **attrs: str) -> etree._Element:
    """Append a basic component. `text` is converted with str(); lxml escapes it."""
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = str(text)
    return element


def cac(parent: etree._Element, name: str) -> etree._Element:
    """Append an aggregate component."""
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def amount_text(value: Decimal) -> str:
    """An amount as UBL wants it: a dot and exactly two decimals (OIOUBL F-LIB014)."""
    return f"{value.quantize(Decimal('0.01')):f}"


def amount(parent: etree._Element, name: str, value: Decimal, currency: str) -> etree._Element:
    return cbc(parent, name, amount_text(value), currencyID=currency)


def amount_precise(
    parent: etree._Element, name: str, value: Decimal, currency: str
) -> etree._Element:
    """A unit price keeps its own decimals (at least two): it is not an amount to round."""
    return cbc(parent, name, price_text(value), currencyID=currency)


def money_vat(net: Decimal, percent: Decimal) -> Decimal:
    """VAT on one amount, rounded to øre once."""
    return money(net * percent / 100)


def price_text(value: Decimal) -> str:
    """A unit price: at least two decimals, more only where the price has them."""
    text = f"{value.normalize():f}"
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def quantity_text(value: Decimal) -> str:
    return price_text(value)


def percent_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def date_text(value) -> str:
    return value.isoformat()


def document_uuid(document: Document) -> str:
    """Derived from seller, kind and number, so rendering a document twice gives equal bytes."""
    name = f"{document.seller.cvr}/{document.kind}/{document.number}"
    return str(uuid.uuid5(UUID_NAMESPACE, name))


def cvr_text(cvr: str) -> str:
    """CVR as both formats write it: »DK« and the eight digits (OIOUBL F-LIB180/190, Peppol
    PEPPOL-COMMON-R042 accepts it too)."""
    digits = cvr.removeprefix("DK").strip()
    return f"DK{digits}"


def check_addressable(document: Document) -> None:
    """Both formats address the buyer by EAN/GLN or CVR (Document.e_invoiceable)."""
    if not document.e_invoiceable:
        raise ValueError(
            f"{document.number}: the buyer has neither an EAN/GLN nor a CVR number, "
            "so it cannot receive an electronic invoice"
        )


def contact_reference(document: Document) -> str:
    """The buyer's person reference. OIOUBL requires a value in the buyer's Contact/ID
    (F-INV051) and Peppol a BuyerReference or an order number (PEPPOL-EN16931-R003), so when
    the buyer gave no person reference we fall back to the order number, then the contact's
    name, then the buyer's name."""
    return (
        document.buyer_reference
        or document.order_reference
        or document.buyer.contact_name
        or document.buyer.name
    )


def billing_reference(root: etree._Element, document: Document) -> None:
    """A credit note's reference to the invoice it credits (number and date)."""
    reference = cac(cac(root, "BillingReference"), "InvoiceDocumentReference")
    cbc(reference, "ID", document.credited_number)
    if document.credited_date:
        cbc(reference, "IssueDate", date_text(document.credited_date))


def address_lines(address: etree._Element, party: Party) -> None:
    """Street, city, postcode and country, in the order UBL 2.1's PostalAddress has them."""
    if party.street:
        cbc(address, "StreetName", party.street)
    if party.city:
        cbc(address, "CityName", party.city)
    if party.postcode:
        cbc(address, "PostalZone", party.postcode)
    cbc(cac(address, "Country"), "IdentificationCode", party.country)


def contact(party_element: etree._Element, party: Party, contact_id: str = "") -> None:
    """The party's cac:Contact (ID, name, telephone, e-mail), where there is anything to say."""
    if not (contact_id or party.contact_name or party.contact_phone or party.contact_email):
        return
    element = cac(party_element, "Contact")
    if contact_id:
        cbc(element, "ID", contact_id)
    if party.contact_name:
        cbc(element, "Name", party.contact_name)
    if party.contact_phone:
        cbc(element, "Telephone", party.contact_phone)
    if party.contact_email:
        cbc(element, "ElectronicMail", party.contact_email)


def serialize(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)
