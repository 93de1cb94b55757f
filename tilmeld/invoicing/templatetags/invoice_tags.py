"""The invoice part of the booking and manage pages: what the booking costs, its invoices and
credit notes with their PDF links, or why none is issued yet. Here, so that the registration
pages need not know invoicing (the template loads this library, as the event page loads the
registrations' for its seats)."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from tilmeld.events.enums import VatMode
from tilmeld.invoicing import billing

register = template.Library()


@register.inclusion_tag("invoicing/booking_invoices.html")
def booking_invoices(booking, via=None):
    """`via`: the booker's participant, whose own link the PDFs are fetched by; else the
    booking's link. Four queries: the invoices, and the confirmed participants with options."""
    documents = list(booking.invoices.select_related("credits").order_by("issued_at", "pk"))
    costs = billing.price_of(booking)
    if via is not None:
        route, token = "invoicing:participant_pdf", via.manage_token
    else:
        route, token = "invoicing:booking_pdf", booking.manage_token
    payer = getattr(booking, "payer", None)
    note = ""
    if not documents:
        if payer is not None and payer.needs_approval:
            note = _("The invoice is issued once the organisers have checked the member price.")
        elif booking.event.invoicing_held:
            note = _("The organisers issue the invoice later.")
        elif costs["total"]:
            note = _("The invoice is being issued and follows shortly.")
        elif not costs["rows"]:
            note = _("The invoice is issued when the seat is confirmed.")
    return {
        "shown": bool(documents or note or costs["total"]),
        "total": costs["total"],
        "exempt": booking.event.vat_mode == VatMode.EXEMPT,
        "documents": [
            (document, reverse(route, kwargs={"token": token, "pk": document.pk}))
            for document in documents
        ],
        "note": note,
    }
