"""The invoice by mail, for buyers without an EAN location number (companies, persons): the PDF
attached, rendered by the worker in the invoice's language from the stored document."""

from tilmeld.core.site import site_settings
from tilmeld.invoicing.exports import file_stem, pdf
from tilmeld.invoicing.models import Invoice, Reminder
from tilmeld.mail.rendering import build_email
from tilmeld.mail.services import queue_mail

RENDERER = "tilmeld.invoicing.mails.invoice"


def recipient(invoice: Invoice) -> tuple[str, str]:
    """(address, name): the buyer's contact, else the booker who booked."""
    buyer = invoice.as_document().buyer
    if buyer.contact_email:
        return buyer.contact_email, buyer.contact_name or buyer.name
    if invoice.booking_id:
        return invoice.booking.booker_email, invoice.booking.booker_name
    return "", ""


def queue(invoice: Invoice) -> bool:
    """Queues the mail in the caller's transaction; False when there is nobody to send it to."""
    address, name = recipient(invoice)
    if not address:
        return False
    queue_mail(
        RENDERER,
        to_email=address,
        to_name=name,
        language=invoice.as_document().language,
        params={"invoice": invoice.pk},
        reference=f"invoice:{invoice.pk}",
    )
    return True


def invoice(message):
    issued = Invoice.objects.select_related("credits").get(pk=message.params["invoice"])
    document = issued.as_document()
    site = site_settings()
    context = {"invoice": issued, "document": document, "site": site}
    return build_email(
        message,
        "invoicing/mail/invoice",
        context,
        attachments=[(f"{file_stem(issued)}.pdf", pdf(document), "application/pdf")],
        reply_to=site.contact_email,
    )


def reminder(message):
    """A payment reminder (reminders.send_reminder), with the invoice's PDF once more."""
    sent = Reminder.objects.select_related("invoice").get(pk=message.params["reminder"])
    issued = sent.invoice
    document = issued.as_document()
    site = site_settings()
    context = {"invoice": issued, "document": document, "site": site, "reminder": sent}
    return build_email(
        message,
        "invoicing/mail/reminder",
        context,
        attachments=[(f"{file_stem(issued)}.pdf", pdf(document), "application/pdf")],
        reply_to=site.contact_email,
    )
