"""Peppol BIS Billing 3.0 (EN 16931 in UBL 2.1), as NemHandel's Peppol network carries it.

The mapping follows OpenPeppol's rules 3.0.21 with the Danish national rules (DK-R-…), the CEN
EN 16931 rules 1.3.16, and ERST's Danish examples (shared/einvoice/peppol-bis3):

- Electronic addresses: a GLN is scheme 0088 (GS1 check digit, PEPPOL-COMMON-R040), a CVR number
  scheme 0184 written »DK« + 8 digits (PEPPOL-COMMON-R042). The buyer must have one
  (PEPPOL-EN16931-R010).
- A Danish seller gives its CVR as PartyLegalEntity/CompanyID with scheme 0184 (DK-R-002,
  DK-R-014) and its VAT number in PartyTaxScheme (BR-S-02, BR-E-02); every PartyIdentification
  carries a scheme (DK-R-013).
- BuyerReference or OrderReference is required (PEPPOL-EN16931-R003); we always write a
  BuyerReference (ubl.contact_reference) and the order number where the buyer gave one.
- VAT: category S with its percent, or E with Percent 0 and the legal basis in
  TaxExemptionReason (BR-E-10). TaxExclusiveAmount is the net total (BR-CO-13), unlike OIOUBL.
- Payment: code 42 with account and registration number, or 31 with IBAN and BIC; both need
  the account and the branch id for a Danish seller (DK-R-006). PaymentID is the reference.
- A credit note is a CreditNote (type 381) with positive amounts (DK-R-016) and a
  BillingReference to the credited invoice.

Amounts: each line's net is rounded to øre once (Line.net); VAT per category is computed once
from the sum of the lines' nets (Document.vat_breakdown), which is what BR-CO-17 checks.
"""

from decimal import Decimal

from lxml import etree

from . import ubl
from .data import Document, Kind, Line, Party, VatCategory

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
SCHEME_GLN = "0088"
SCHEME_CVR = "0184"
TYPE_CODE = {
    Kind.INVOICE: ("InvoiceTypeCode", "380"),
    Kind.CREDIT_NOTE: ("CreditNoteTypeCode", "381"),
}


def peppol_xml(document: Document) -> bytes:
    """The document as Peppol BIS Billing 3.0 Invoice or CreditNote XML, UTF-8."""
    root = ubl.root(document)
    ubl.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    ubl.cbc(root, "ProfileID", PROFILE_ID)
    ubl.cbc(root, "ID", document.number)
    ubl.cbc(root, "IssueDate", ubl.date_text(document.issue_date))
    if document.kind == Kind.INVOICE and document.due_date:
        ubl.cbc(root, "DueDate", ubl.date_text(document.due_date))
    ubl.cbc(root, *TYPE_CODE[document.kind])
    if document.note:
        ubl.cbc(root, "Note", document.note)
    ubl.cbc(root, "DocumentCurrencyCode", document.currency)
    if document.accounting_cost:
        ubl.cbc(root, "AccountingCost", document.accounting_cost)
    ubl.cbc(root, "BuyerReference", ubl.contact_reference(document))
    if document.order_reference:
        ubl.cbc(ubl.cac(root, "OrderReference"), "ID", document.order_reference)
    if document.kind == Kind.CREDIT_NOTE:
        ubl.billing_reference(root, document)
    _supplier(ubl.cac(ubl.cac(root, "AccountingSupplierParty"), "Party"), document.seller)
    _customer(ubl.cac(ubl.cac(root, "AccountingCustomerParty"), "Party"), document.buyer)
    if document.kind == Kind.INVOICE:
        _payment_means(root, document)
    _tax_total(root, document)
    _monetary_total(root, document)
    for line in document.lines:
        _line(root, document, line)
    return ubl.serialize(root)


def _endpoint(party: Party) -> tuple[str, str]:
    """(scheme, value): the GLN where the party has one, else its CVR number."""
    if party.gln:
        return SCHEME_GLN, party.gln
    return SCHEME_CVR, ubl.cvr_text(party.cvr)


def _party(party_element: etree._Element, party: Party) -> None:
    scheme, value = _endpoint(party)
    ubl.cbc(party_element, "EndpointID", value, schemeID=scheme)
    ubl.cbc(ubl.cac(party_element, "PartyIdentification"), "ID", value, schemeID=scheme)
    ubl.cbc(ubl.cac(party_element, "PartyName"), "Name", party.name)
    address = ubl.cac(party_element, "PostalAddress")
    ubl.address_lines(address, party)


def _legal_entity(party_element: etree._Element, party: Party) -> None:
    entity = ubl.cac(party_element, "PartyLegalEntity")
    ubl.cbc(entity, "RegistrationName", party.name)
    if party.cvr:
        ubl.cbc(entity, "CompanyID", ubl.cvr_text(party.cvr), schemeID=SCHEME_CVR)


def _supplier(party_element: etree._Element, seller: Party) -> None:
    _party(party_element, seller)
    tax_scheme = ubl.cac(party_element, "PartyTaxScheme")
    ubl.cbc(tax_scheme, "CompanyID", ubl.cvr_text(seller.cvr))
    ubl.cbc(ubl.cac(tax_scheme, "TaxScheme"), "ID", "VAT")
    _legal_entity(party_element, seller)
    ubl.contact(party_element, seller)


def _customer(party_element: etree._Element, buyer: Party) -> None:
    _party(party_element, buyer)
    _legal_entity(party_element, buyer)
    ubl.contact(party_element, buyer)


def _payment_means(root: etree._Element, document: Document) -> None:
    payment = document.payment
    means = ubl.cac(root, "PaymentMeans")
    danish = payment.danish_account
    ubl.cbc(means, "PaymentMeansCode", "42" if danish else "31")
    if payment.reference:
        ubl.cbc(means, "PaymentID", payment.reference)
    account = ubl.cac(means, "PayeeFinancialAccount")
    ubl.cbc(account, "ID", payment.bank_account if danish else payment.iban.replace(" ", ""))
    branch = ubl.cac(account, "FinancialInstitutionBranch")
    ubl.cbc(branch, "ID", payment.bank_reg if danish else payment.bic)


def _category(
    parent: etree._Element, name: str, document: Document, category: VatCategory, percent: Decimal
) -> None:
    element = ubl.cac(parent, name)
    ubl.cbc(element, "ID", category.value)
    ubl.cbc(element, "Percent", ubl.percent_text(percent))
    if name == "TaxCategory" and category == VatCategory.EXEMPT:
        ubl.cbc(element, "TaxExemptionReason", document.vat_exemption_reason)
    ubl.cbc(ubl.cac(element, "TaxScheme"), "ID", "VAT")


def _tax_total(root: etree._Element, document: Document) -> None:
    cur = document.currency
    total = ubl.cac(root, "TaxTotal")
    ubl.amount(total, "TaxAmount", document.vat_total, cur)
    for category, percent, base, vat in document.vat_breakdown():
        subtotal = ubl.cac(total, "TaxSubtotal")
        ubl.amount(subtotal, "TaxableAmount", base, cur)
        ubl.amount(subtotal, "TaxAmount", vat, cur)
        _category(subtotal, "TaxCategory", document, category, percent)


def _monetary_total(root: etree._Element, document: Document) -> None:
    cur = document.currency
    total = ubl.cac(root, "LegalMonetaryTotal")
    ubl.amount(total, "LineExtensionAmount", document.net_total, cur)
    ubl.amount(total, "TaxExclusiveAmount", document.net_total, cur)
    ubl.amount(total, "TaxInclusiveAmount", document.gross_total, cur)
    ubl.amount(total, "PayableAmount", document.gross_total, cur)


def _line(root: etree._Element, document: Document, line: Line) -> None:
    element = ubl.cac(root, ubl.LINE_TAG[document.kind])
    ubl.cbc(element, "ID", line.id)
    ubl.cbc(
        element,
        ubl.QUANTITY_TAG[document.kind],
        ubl.quantity_text(line.quantity),
        unitCode=ubl.UNIT_CODE,
    )
    ubl.amount(element, "LineExtensionAmount", line.net, document.currency)
    item = ubl.cac(element, "Item")
    if line.note:
        ubl.cbc(item, "Description", line.note)
    ubl.cbc(item, "Name", line.description)
    percent = line.percent
    _category(item, "ClassifiedTaxCategory", document, line.vat_category, percent)
    price = ubl.cac(element, "Price")
    ubl.amount_precise(price, "PriceAmount", line.unit_price, document.currency)
