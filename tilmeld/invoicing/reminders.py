"""Payment reminders: a mail to the buyer with the invoice's PDF, recorded as a Reminder row."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tilmeld.invoicing import mails
from tilmeld.invoicing.enums import InvoiceKind
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import Invoice, Reminder
from tilmeld.invoicing.selectors import amounts
from tilmeld.mail.services import queue_mail

RENDERER = "tilmeld.invoicing.mails.reminder"


def send_reminder(invoice: Invoice, *, by) -> Reminder:
    """Queues a payment reminder to the invoice's buyer (mails.recipient) in the invoice's
    language, with the invoice's PDF, and records it. Refuses (InvoicingError) a credit note, an
    invoice with nothing outstanding, one without an address, and a second reminder on the same
    day: the invoice row is locked meanwhile, so two staff members clicking at once send one."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.kind != InvoiceKind.INVOICE:
            raise InvoicingError(
                _("%(number)s is a credit note; only an invoice gets a payment reminder.")
                % {"number": invoice.number},
                code="kind",
            )
        outstanding = amounts(invoice).outstanding
        if outstanding <= 0:
            raise InvoicingError(
                _("Nothing is outstanding on invoice %(number)s: no reminder is sent.")
                % {"number": invoice.number},
                code="paid",
            )
        if invoice.reminders.filter(sent_at__date=timezone.localdate()).exists():
            raise InvoicingError(
                _("A reminder for invoice %(number)s has been sent today already.")
                % {"number": invoice.number},
                code="reminded",
            )
        address, name = mails.recipient(invoice)
        if not address:
            raise InvoicingError(
                _("Invoice %(number)s has no e-mail address to send a reminder to.")
                % {"number": invoice.number},
                code="address",
            )
        reminder = Reminder.objects.create(
            invoice=invoice,
            outstanding=outstanding,
            sent_by=by.get_username() if by is not None else "",
        )
        queue_mail(
            RENDERER,
            to_email=address,
            to_name=name,
            language=invoice.as_document().language,
            params={"reminder": reminder.pk},
            reference=f"reminder:{reminder.pk}",
        )
    return reminder
