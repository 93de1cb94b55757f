"""The anonymisation primitives: each takes rows and removes the personal data in them, and
returns how many rows it changed. Retention (retention.py) and erasure (people.py) both use
them, so a person's row is anonymised the same way whichever asked. Callers hold the
transaction; what is kept and why is written in retention.py's docstring.

Every primitive is safe to run again on rows it has done: a second run writes the same
placeholders (manage links excepted: they are made anew, and were dead already)."""

import dataclasses

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tilmeld.invoicing.documents import snapshot
from tilmeld.invoicing.models import Invoice
from tilmeld.mail.models import MessageStatus, OutboxMessage
from tilmeld.registrations.enums import PayerKind, QuestionKind
from tilmeld.registrations.models import (
    Answer,
    Booking,
    Participant,
    ParticipantChange,
    Payer,
    new_token,
)
from tilmeld.webhooks.models import Delivery

# RFC 2606 keeps ".invalid" from ever being a real domain: nothing can be sent there.
ANONYMOUS_DOMAIN = "anonymised.invalid"
OUTBOX_ADDRESS = f"anonymised@{ANONYMOUS_DOMAIN}"
# History keys whose values say nothing about the person (registrations/history_display.py):
# the rest (names, addresses, answers, a substitution's two names) lose their values.
HISTORY_KEPT_KEYS = ("status", "checked_in_at", "offer_expires_at", "organisation", "language")
HISTORY_KEPT_PREFIXES = ("session", "price", "options")


def placeholder() -> str:
    """The name an anonymised person gets, in the site's language (stored, not translated)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Anonymised")


def is_anonymous(email: str) -> bool:
    return email.lower().endswith("@" + ANONYMOUS_DOMAIN)


def participants(rows: QuerySet[Participant]) -> int:
    """Name, e-mail, phone and job title replaced; the organisation (an institution), status,
    price, dates and check-in kept. Free-text and diet/health answers deleted, the others kept
    for the event's statistics; the history keeps what happened, not the values. The manage
    link is made anew: the old one, in the person's mailbox, opens nothing. Nobody anonymised
    is on the participant list any more."""
    name = placeholder()
    people = list(rows.only("pk"))
    for person in people:
        person.name = name
        person.email = f"participant-{person.pk}@{ANONYMOUS_DOMAIN}"
        person.phone = ""
        person.job_title = ""
        person.manage_token = new_token()
        person.in_participant_list = False
    Participant.objects.bulk_update(
        people,
        ["name", "email", "phone", "job_title", "manage_token", "in_participant_list"],
        batch_size=500,
    )
    ids = [p.pk for p in people]
    Answer.objects.filter(participant_id__in=ids).filter(
        Q(question__kind=QuestionKind.TEXT) | Q(question__sensitive=True)
    ).delete()
    history(ParticipantChange.objects.filter(participant_id__in=ids))
    return len(people)


def _kept(key: str) -> bool:
    return key in HISTORY_KEPT_KEYS or key.startswith(HISTORY_KEPT_PREFIXES)


def history(rows: QuerySet[ParticipantChange]) -> int:
    """What changed stays (the keys, the action, when, which staff member); the values that
    could name or describe the person become empty, and so does the free-text note."""
    changed = []
    for change in rows.only("pk", "changes", "note"):
        scrubbed = {
            key: (values if _kept(key) else [None, None]) for key, values in change.changes.items()
        }
        if scrubbed != change.changes or change.note:
            change.changes, change.note = scrubbed, ""
            changed.append(change)
    ParticipantChange.objects.bulk_update(changed, ["changes", "note"], batch_size=500)
    return len(changed)


def bookings(rows: QuerySet[Booking]) -> int:
    """The booker's name, e-mail and phone replaced; the organisation kept. The payer keeps
    the institution, its EAN/CVR and order number; a person paying is replaced by the
    placeholder, and the person reference (a name) and invoice e-mail are removed."""
    name = placeholder()
    found = list(rows.only("pk"))
    for booking in found:
        booking.booker_name = name
        booking.booker_email = f"booking-{booking.pk}@{ANONYMOUS_DOMAIN}"
        booking.booker_phone = ""
        booking.manage_token = new_token()
    Booking.objects.bulk_update(
        found, ["booker_name", "booker_email", "booker_phone", "manage_token"], batch_size=500
    )
    payers(Payer.objects.filter(booking__in=[b.pk for b in found]))
    return len(found)


def payers(rows: QuerySet[Payer]) -> int:
    count = rows.update(person_reference="", email="")
    rows.filter(kind=PayerKind.PERSON).update(name=placeholder(), street="", postcode="", city="")
    return count


def outbox(rows: QuerySet[OutboxMessage]) -> int:
    """The recipient and any error text (which may quote the address) removed. A mail not sent
    yet is never sent: it fails, with nobody to send it to. The subject, kind and dates stay,
    so what was sent when can still be counted."""
    rows.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING]).update(
        status=MessageStatus.FAILED, next_attempt_at=None
    )
    return rows.update(to_email=OUTBOX_ADDRESS, to_name="", last_error="")


def webhook_deliveries(rows: QuerySet[Delivery]) -> int:
    """A delivery's body never changes (a retry sends the same message): deleted instead. The
    receiver has had it; a delivery not sent yet is dropped by the worker (delivering.send)."""
    count, _by_model = rows.delete()
    return count


def _scrub_document(data: dict) -> dict:
    document = snapshot.from_json(data)
    buyer = document.buyer
    person = not (buyer.cvr or buyer.gln)  # an institution has a CVR or an EAN number
    buyer = dataclasses.replace(
        buyer,
        name=placeholder() if person else buyer.name,
        street="" if person else buyer.street,
        postcode="" if person else buyer.postcode,
        city="" if person else buyer.city,
        contact_name="",
        contact_email="",
        contact_phone="",
    )
    lines = [dataclasses.replace(line, note="") for line in document.lines]  # participants' names
    return snapshot.to_json(
        dataclasses.replace(document, buyer=buyer, lines=lines, buyer_reference="")
    )


def invoice(row: Invoice, *, now=None) -> bool:
    """Removes the personal names from an invoice or credit note: the buyer's contact person,
    the person reference, the participants' names on the lines, and the buyer itself when a
    person paid. Amounts, numbers, dates and the institution stay. The database allows this
    UPDATE only once and only after the bookkeeping period (invoicing migration 0008); the
    caller checks the period first (retention.invoice_due). False if it was done already."""
    document = _scrub_document(row.document)
    buyer_name = document["buyer"]["name"][:300]
    return bool(
        Invoice.objects.filter(pk=row.pk, anonymised_at__isnull=True).update(
            buyer_name=buyer_name, document=document, anonymised_at=now or timezone.now()
        )
    )
