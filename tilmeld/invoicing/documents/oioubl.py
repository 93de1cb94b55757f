"""OIOUBL 2.1: the Danish public sector's invoice and credit note (NemHandel).

The mapping follows NemHandel's schematron 1.17.2 and its sample files (shared/einvoice/oioubl-2.1):

- Buyer: EndpointID schemeID="GLN" (13 digits, F-LIB181) or, for a company without an EAN
  number, schemeID="DK:CVR" (»DK« + 8 digits, F-LIB180). The buyer's Contact/ID is the person
  reference and must have a value (F-INV051); see ubl.contact_reference for the fallback.
- Seller: EndpointID, PartyIdentification and PartyLegalEntity/CompanyID with schemeID="DK:CVR";
  PartyTaxScheme/CompanyID with schemeID="DK:SE" (F-LIB195: only DK:SE or ZZZ are allowed there).
- VAT: OIOUBL has no "E" category. Exempt lines are "ZeroRated" with Percent 0 and TaxAmount 0
  (F-LIB400), the legal basis in TaxCategory/TaxExemptionReason; 25 % is "StandardRated".
  Every category on a line must also be in the document's TaxTotal and vice versa (F-LIB404).
- LegalMonetaryTotal/TaxExclusiveAmount is, in OIOUBL, the VAT amount (F-INV127/F-CRN073),
  not the net amount as in Peppol.
- Payment: code 42 with the Danish registration number (≤ 4 digits) and account (≤ 10
  characters) and channel DK:BANK (F-LIB127/128/131), or code 31 with the IBAN, the BIC and
  channel IBAN (F-LIB109/113). The payment reference goes in PayeeFinancialAccount/PaymentNote
  (≤ 20 characters, F-LIB133), as in NemHandel's sample.
- A credit note lists positive amounts and refers to the invoice in BillingReference.

Amounts: each line's net is rounded to øre once (Line.net); VAT per category is computed once
from the sum of the lines' nets (Document.vat_breakdown). The VAT shown on a line is that line's
own VAT, for information; the document's VAT is the per-category figure.
"""

from decimal import Decimal

from lxml import etree

from . import ubl
from .data import Document, Kind, Line, Party, VatCategory

CUSTOMIZATION_ID = "OIOUBL-2.1"
PROFILE_ID = "Procurement-BilSim-1.0"
PROFILE_SCHEME = "urn:oioubl:id:profileid-1.6"
AGENCY = "320"  # NemHandel / Erhvervsstyrelsen, the owner of OIOUBL's code lists
TAX_CATEGORY_SCHEME = "urn:oioubl:id:taxcategoryid-1.1"
TAX_SCHEME_SCHEME = "urn:oioubl:id:taxschemeid-1.1"
TAX_CATEGORY = {VatCategory.STANDARD: "StandardRated", VatCategory.EXEMPT: "ZeroRated"}
PAYMENT_CHANNEL_LIST = "urn:oioubl:codelist:paymentchannelcode-1.1"
ADDRESS_FORMAT_LIST = "urn:oioubl:codelist:addressformatcode-1.1"
INVOICE_TYPE_LIST = "urn:oioubl:codelist:invoicetypecode-1.1"


def oioubl_xml(document: Document) -> bytes:
    """The document as OIOUBL 2.1 Invoice or CreditNote XML, UTF-8."""
    root = ubl.root(document)
    cur = document.currency
    ubl.cbc(root, "UBLVersionID", "2.1")
    ubl.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    ubl.cbc(root, "ProfileID", PROFILE_ID, schemeAgencyID=AGENCY, schemeID=PROFILE_SCHEME)
    ubl.cbc(root, "ID", document.number)
    ubl.cbc(root, "CopyIndicator", "false")
    ubl.cbc(root, "UUID", ubl.document_uuid(document))
    ubl.cbc(root, "IssueDate", ubl.date_text(document.issue_date))
    if document.kind == Kind.INVOICE:
        ubl.cbc(root, "InvoiceTypeCode", "380", listAgencyID=AGENCY, listID=INVOICE_TYPE_LIST)
    if document.note:
        ubl.cbc(root, "Note", document.note)
    ubl.cbc(root, "DocumentCurrencyCode", cur)
    if document.accounting_cost:
        ubl.cbc(root, "AccountingCost", document.accounting_cost)
    if document.kind == Kind.CREDIT_NOTE and document.note:
        response = ubl.cac(root, "DiscrepancyResponse")
        ubl.cbc(response, "ReferenceID", document.credited_number or document.number)
        ubl.cbc(response, "Description", document.note)
    if document.order_reference:
        ubl.cbc(ubl.cac(root, "OrderReference"), "ID", document.order_reference)
    if document.kind == Kind.CREDIT_NOTE:
        ubl.billing_reference(root, document)
    _supplier(ubl.cac(ubl.cac(root, "AccountingSupplierParty"), "Party"), document.seller)
    _customer(ubl.cac(ubl.cac(root, "AccountingCustomerParty"), "Party"), document)
    if document.kind == Kind.INVOICE:
        _payment_means(root, document)
    _tax_total(root, document)
    _monetary_total(root, document)
    for line in document.lines:
        _line(root, document, line)
    return ubl.serialize(root)


def _address(party_element: etree._Element, party: Party) -> None:
    # StructuredLax: street, city, postcode and country without a separate building number,
    # which our data does not split out (StructuredDK would require one, F-LIB035).
    address = ubl.cac(party_element, "PostalAddress")
    ubl.cbc(
        address,
        "AddressFormatCode",
        "StructuredLax",
        listAgencyID=AGENCY,
        listID=ADDRESS_FORMAT_LIST,
    )
    ubl.address_lines(address, party)


def _legal_entity(party_element: etree._Element, party: Party) -> None:
    entity = ubl.cac(party_element, "PartyLegalEntity")
    ubl.cbc(entity, "RegistrationName", party.name)
    ubl.cbc(entity, "CompanyID", ubl.cvr_text(party.cvr), schemeID="DK:CVR")


def _supplier(party_element: etree._Element, seller: Party) -> None:
    cvr = ubl.cvr_text(seller.cvr)
    ubl.cbc(party_element, "EndpointID", cvr, schemeID="DK:CVR")
    ubl.cbc(ubl.cac(party_element, "PartyIdentification"), "ID", cvr, schemeID="DK:CVR")
    ubl.cbc(ubl.cac(party_element, "PartyName"), "Name", seller.name)
    _address(party_element, seller)
    tax_scheme = ubl.cac(party_element, "PartyTaxScheme")
    ubl.cbc(tax_scheme, "CompanyID", cvr, schemeID="DK:SE")
    _vat_scheme(tax_scheme)
    _legal_entity(party_element, seller)
    ubl.contact(party_element, seller)


def _customer(party_element: etree._Element, document: Document) -> None:
    buyer = document.buyer
    if buyer.gln:
        endpoint, scheme, agency = buyer.gln, "GLN", "9"  # agency 9: GS1
    else:
        endpoint, scheme, agency = ubl.cvr_text(buyer.cvr), "DK:CVR", ""
    ubl.cbc(party_element, "EndpointID", endpoint, schemeAgencyID=agency, schemeID=scheme)
    identification = ubl.cac(party_element, "PartyIdentification")
    ubl.cbc(identification, "ID", endpoint, schemeAgencyID=agency, schemeID=scheme)
    ubl.cbc(ubl.cac(party_element, "PartyName"), "Name", buyer.name)
    _address(party_element, buyer)
    if buyer.cvr:
        _legal_entity(party_element, buyer)
    ubl.contact(party_element, buyer, contact_id=ubl.contact_reference(document))


def _payment_means(root: etree._Element, document: Document) -> None:
    payment = document.payment
    means = ubl.cac(root, "PaymentMeans")
    ubl.cbc(means, "ID", "1")
    danish = payment.danish_account
    ubl.cbc(means, "PaymentMeansCode", "42" if danish else "31")
    if document.due_date:
        ubl.cbc(means, "PaymentDueDate", ubl.date_text(document.due_date))
    channel = "DK:BANK" if danish else "IBAN"
    ubl.cbc(means, "PaymentChannelCode", channel, listAgencyID=AGENCY, listID=PAYMENT_CHANNEL_LIST)
    account = ubl.cac(means, "PayeeFinancialAccount")
    ubl.cbc(account, "ID", payment.bank_account if danish else payment.iban.replace(" ", ""))
    if payment.reference:
        ubl.cbc(account, "PaymentNote", payment.reference)
    branch = ubl.cac(account, "FinancialInstitutionBranch")
    if danish:
        ubl.cbc(branch, "ID", payment.bank_reg)
    else:
        ubl.cbc(ubl.cac(branch, "FinancialInstitution"), "ID", payment.bic)


def _vat_scheme(parent: etree._Element) -> None:
    scheme = ubl.cac(parent, "TaxScheme")
    ubl.cbc(scheme, "ID", "63", schemeAgencyID=AGENCY, schemeID=TAX_SCHEME_SCHEME)
    ubl.cbc(scheme, "Name", "Moms")


def _subtotal(
    parent: etree._Element,
    document: Document,
    category: VatCategory,
    percent: Decimal,
    base: Decimal,
    vat: Decimal,
) -> None:
    cur = document.currency
    subtotal = ubl.cac(parent, "TaxSubtotal")
    ubl.amount(subtotal, "TaxableAmount", base, cur)
    ubl.amount(subtotal, "TaxAmount", vat, cur)
    tax_category = ubl.cac(subtotal, "TaxCategory")
    ubl.cbc(
        tax_category,
        "ID",
        TAX_CATEGORY[category],
        schemeAgencyID=AGENCY,
        schemeID=TAX_CATEGORY_SCHEME,
    )
    ubl.cbc(tax_category, "Percent", ubl.percent_text(percent))
    if category == VatCategory.EXEMPT and document.vat_exemption_reason:
        ubl.cbc(tax_category, "TaxExemptionReason", document.vat_exemption_reason)
    _vat_scheme(tax_category)


def _tax_total(root: etree._Element, document: Document) -> None:
    total = ubl.cac(root, "TaxTotal")
    ubl.amount(total, "TaxAmount", document.vat_total, document.currency)
    for category, percent, base, vat in document.vat_breakdown():
        _subtotal(total, document, category, percent, base, vat)


def _monetary_total(root: etree._Element, document: Document) -> None:
    cur = document.currency
    total = ubl.cac(root, "LegalMonetaryTotal")
    ubl.amount(total, "LineExtensionAmount", document.net_total, cur)
    ubl.amount(total, "TaxExclusiveAmount", document.vat_total, cur)  # OIOUBL: the VAT
    ubl.amount(total, "TaxInclusiveAmount", document.gross_total, cur)
    ubl.amount(total, "PayableAmount", document.gross_total, cur)


def _line(root: etree._Element, document: Document, line: Line) -> None:
    cur = document.currency
    element = ubl.cac(root, ubl.LINE_TAG[document.kind])
    ubl.cbc(element, "ID", line.id)
    ubl.cbc(
        element,
        ubl.QUANTITY_TAG[document.kind],
        ubl.quantity_text(line.quantity),
        unitCode=ubl.UNIT_CODE,
    )
    ubl.amount(element, "LineExtensionAmount", line.net, cur)
    tax_total = ubl.cac(element, "TaxTotal")
    percent = line.percent
    vat = ubl.money_vat(line.net, percent)
    ubl.amount(tax_total, "TaxAmount", vat, cur)
    _subtotal(tax_total, document, line.vat_category, percent, line.net, vat)
    item = ubl.cac(element, "Item")
    ubl.cbc(item, "Description", line.note or line.description)
    ubl.cbc(item, "Name", line.description)
    price = ubl.cac(element, "Price")
    ubl.amount_precise(price, "PriceAmount", line.unit_price, cur)
    ubl.cbc(price, "BaseQuantity", "1", unitCode=ubl.UNIT_CODE)
