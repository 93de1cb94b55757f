"""Invoices and credit notes (invoices:read) with their documents, and recording a payment
(invoices:write) through invoicing.payments, as staff do in the admin. An issued invoice never
changes; what is paid and outstanding is summed over its payments and credit notes."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from tilmeld.api import cursors, schemas, serialize
from tilmeld.api.auth import needs, token_auth
from tilmeld.api.enums import Scope
from tilmeld.api.idempotency import idempotent
from tilmeld.api.problems import Problem, invoicing_problem
from tilmeld.api.responses import problems
from tilmeld.invoicing import exports, payments
from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.documents.peppol import peppol_xml
from tilmeld.invoicing.enums import InvoiceKind
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import Invoice

router = Router(tags=["invoices"], auth=token_auth)

# As invoice numbers are made: a series prefix (letters, digits, dashes, dots) and a number.
Number = schemas.Annotated[str, Path(pattern=r"^[A-Za-z0-9._-]{1,40}$")]
READ_PROBLEMS = problems(401, 403, 404, 422, 429)


class InvoiceFilters(schemas.Schema):
    event: str | None = schemas.Field(None, pattern=r"^[-a-zA-Z0-9_]{1,100}$")  # its slug
    kind: InvoiceKind | None = None
    paid: bool | None = None  # true: nothing outstanding; false: something is
    since: schemas.Since | None = None  # issued at or after
    cursor: str | None = schemas.Field(None, max_length=500)
    limit: int = schemas.Field(cursors.DEFAULT_LIMIT, ge=1, le=cursors.MAX_LIMIT)


@router.get(
    "",
    response={200: schemas.InvoicePage, **problems(400, 401, 403, 422, 429)},
    summary="Invoices and credit notes",
    auth=needs(Scope.INVOICES_READ),
)
def list_invoices(request, filters: Query[InvoiceFilters]):
    """Every invoice and credit note in the order they were issued, with what is paid and
    outstanding now. `paid` looks at invoices only (a credit note is owed by nobody)."""
    rows = Invoice.objects.all()
    if filters.event:
        rows = rows.filter(booking__event__slug=filters.event)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.since:
        rows = rows.filter(issued_at__gte=filters.since)
    rows = serialize.invoice_rows(rows)
    if filters.paid is not None:
        rows = rows.filter(kind=InvoiceKind.INVOICE)
        rows = rows.filter(outstanding__lte=0) if filters.paid else rows.filter(outstanding__gt=0)
    found, next_cursor = cursors.page(
        rows,
        kind="invoices",
        fields=("id",),
        types=(int,),
        filters=filters.dict(exclude={"cursor", "limit"}),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [serialize.invoice_data(i) for i in found], "next_cursor": next_cursor}


def _invoice(number: str) -> Invoice:
    invoice = serialize.invoice_rows(Invoice.objects.filter(number=number)).first()
    if invoice is None:
        raise Http404
    return invoice


def _file(invoice: Invoice, data: bytes, suffix: str, content_type: str) -> HttpResponse:
    answer = HttpResponse(data, content_type=content_type)
    answer["Content-Disposition"] = f'inline; filename="{exports.file_stem(invoice)}{suffix}"'
    return answer


def _binary(content_type: str) -> dict:
    return {
        "responses": {
            200: {
                "description": "The document",
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


# The documents first: "{number}" alone would also match "0001.pdf".
@router.get(
    "/{number}.pdf",
    response=READ_PROBLEMS,
    summary="An invoice's PDF",
    openapi_extra=_binary("application/pdf"),
    auth=needs(Scope.INVOICES_READ),
)
def invoice_pdf(request, number: Number):
    invoice = _invoice(number)
    return _file(invoice, exports.pdf(invoice.as_document()), ".pdf", "application/pdf")


def _xml(number: str, render, suffix: str) -> HttpResponse:
    invoice = _invoice(number)
    document = invoice.as_document()
    if not document.e_invoiceable:
        raise Problem(
            404,
            "no_e_invoice",
            _("The buyer has no EAN or CVR number, so there is no e-invoice, only the PDF."),
        )
    return _file(invoice, render(document), suffix, "application/xml")


@router.get(
    "/{number}.oioubl.xml",
    response=READ_PROBLEMS,
    summary="An invoice as OIOUBL 2.1",
    openapi_extra=_binary("application/xml"),
    auth=needs(Scope.INVOICES_READ),
)
def invoice_oioubl(request, number: Number):
    """OIOUBL 2.1, as sent to a public body through NemHandel; 404 `no_e_invoice` for a buyer
    without an EAN or CVR number."""
    return _xml(number, oioubl_xml, ".oioubl.xml")


@router.get(
    "/{number}.peppol.xml",
    response=READ_PROBLEMS,
    summary="An invoice as Peppol BIS Billing 3.0",
    openapi_extra=_binary("application/xml"),
    auth=needs(Scope.INVOICES_READ),
)
def invoice_peppol(request, number: Number):
    """Peppol BIS Billing 3.0; 404 `no_e_invoice` for a buyer without an EAN or CVR number."""
    return _xml(number, peppol_xml, ".peppol.xml")


@router.get(
    "/{number}",
    response={200: schemas.Invoice, **READ_PROBLEMS},
    summary="An invoice or credit note",
    auth=needs(Scope.INVOICES_READ),
)
def invoice_detail(request, number: Number):
    return serialize.invoice_data(_invoice(number))


@router.post(
    "/{number}/payments",
    response={201: schemas.Payment, **problems(400, 401, 403, 404, 409, 413, 422, 429)},
    summary="Record a payment",
    auth=needs(Scope.INVOICES_WRITE),
)
@idempotent
def record_payment(request, number: Number, payload: schemas.PaymentIn):
    """Records money received for an invoice, in kroner and øre. A part payment is fine; more
    than is outstanding is refused (409 `too_much`), as is a payment on a credit note (409
    `kind`) or on an invoice paid already (409 `paid`). Send an `Idempotency-Key`, so a retry
    does not record the payment twice."""
    invoice = _invoice(number)
    try:
        payment = payments.record_payment(
            invoice,
            payload.amount,
            paid_on=payload.paid_on,
            by=request.auth.owner,
            reference=payload.reference,
        )
    except InvoicingError as error:
        raise invoicing_problem(error) from None
    payment.invoice = invoice
    return Status(201, serialize.payment_data(payment))
