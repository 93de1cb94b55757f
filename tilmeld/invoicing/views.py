"""The invoice PDFs behind a booking's secret links: the booking's own, and the booker's
participant link. No login; the link is the key, as for the pages it comes from."""

from django.http import Http404, HttpResponse

from tilmeld.invoicing.exports import file_stem, pdf
from tilmeld.invoicing.models import Invoice
from tilmeld.registrations import rules
from tilmeld.registrations import selectors as registrations


def booking_invoice_pdf(request, token, pk):
    booking = registrations.booking_for_token(token)
    if booking is None:
        raise Http404
    return _pdf(booking, pk)


def participant_invoice_pdf(request, token, pk):
    participant = registrations.participant_for_token(token)
    if participant is None or not rules.sees_booking_invoices(participant):
        raise Http404
    return _pdf(participant.booking, pk)


def _pdf(booking, pk) -> HttpResponse:
    """Made anew from the stored document, which never changes."""
    invoice = Invoice.objects.filter(booking=booking, pk=pk).first()
    if invoice is None:
        raise Http404
    response = HttpResponse(pdf(invoice.as_document()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_stem(invoice)}.pdf"'
    return response
