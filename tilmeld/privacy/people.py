"""A person's data, found by e-mail address: what Tilmeld holds about them (the right of access)
and its erasure (the right to erasure), with the bookkeeping exception of retention.py."""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from tilmeld.invoicing.models import Invoice
from tilmeld.mail.models import OutboxMessage
from tilmeld.privacy import anonymise, retention
from tilmeld.registrations.models import Answer, Booking, Participant, ParticipantChange, Payer
from tilmeld.webhooks.models import Delivery


def _time(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _payer(payer: Payer) -> dict:
    return {
        "booking_id": payer.booking_id,
        "kind": payer.kind,
        "name": payer.name,
        "ean": payer.gln,
        "cvr": payer.cvr,
        "order_reference": payer.order_reference,
        "person_reference": payer.person_reference,
        "street": payer.street,
        "postcode": payer.postcode,
        "city": payer.city,
        "email": payer.email,
    }


def _booking(booking: Booking) -> dict:
    return {
        "id": booking.pk,
        "event": booking.event.title,
        "created_at": _time(booking.created_at),
        "name": booking.booker_name,
        "email": booking.booker_email,
        "organisation": booking.booker_organisation,
        "phone": booking.booker_phone,
        "language": booking.language,
    }


def _participant(p: Participant) -> dict:
    check_in = getattr(p, "check_in", None)
    return {
        "id": p.pk,
        "event": p.event.title,
        "booking_id": p.booking_id,
        "name": p.name,
        "email": p.email,
        "organisation": p.organisation,
        "job_title": p.job_title,
        "phone": p.phone,
        "language": p.language,
        "status": p.status,
        "created_at": _time(p.created_at),
        "cancelled_at": _time(p.cancelled_at),
        "checked_in_at": _time(check_in.checked_in_at) if check_in else None,
        "answers": [{"question": a.question.text, "answer": a.value} for a in p.answers.all()],
        "history": [
            {"at": _time(c.at), "action": c.action, "changes": c.changes, "note": c.note}
            for c in p.changes.all()
        ],
    }


def _mail(m: OutboxMessage) -> dict:
    return {
        "id": m.pk,
        "created_at": _time(m.created_at),
        "to_email": m.to_email,
        "to_name": m.to_name,
        "subject": m.subject,
        "status": m.status,
        "sent_at": _time(m.sent_at),
    }


def _invoice(invoice: Invoice) -> dict:
    document = invoice.document
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "issue_date": _day(invoice.issue_date),
        "buyer": invoice.buyer_name,
        "contact_name": document["buyer"]["contact_name"],
        "contact_email": document["buyer"]["contact_email"],
        "person_reference": document["buyer_reference"],
        "lines": [line["note"] for line in document["lines"] if line["note"]],
        "gross": str(invoice.gross),
        "kept_unchanged_until": _day(retention.bookkeeping_until(invoice.issue_date)),
        "names_removed_at": _time(invoice.anonymised_at),
    }


@dataclass
class PersonRows:
    """The rows that hold the address, each kind in one query."""

    email: str
    participants: list[Participant]
    bookings: list[Booking]
    payers: list[Payer]
    mails: list[OutboxMessage]
    invoices: list[Invoice]

    @property
    def found(self) -> bool:
        return any((self.participants, self.bookings, self.payers, self.mails, self.invoices))

    def as_data(self) -> dict:
        """Everything, as the JSON download gives it (and the page and CSV show it)."""
        return {
            "email": self.email,
            "participations": [_participant(p) for p in self.participants],
            "bookings": [_booking(b) for b in self.bookings],
            "payers": [_payer(p) for p in self.payers],
            "mails": [_mail(m) for m in self.mails],
            "invoices": [_invoice(i) for i in self.invoices],
        }


def person_rows(email: str) -> PersonRows:
    """What Tilmeld holds about an address, case-insensitive, across every event: six queries
    whatever the number of rows."""
    email = email.strip().lower()
    participants = list(
        Participant.objects.filter(email__iexact=email)
        .select_related("event", "check_in")
        .prefetch_related(
            Prefetch("answers", Answer.objects.select_related("question").order_by("pk")),
            Prefetch("changes", ParticipantChange.objects.order_by("at", "pk")),
        )
        .order_by("created_at", "pk")
    )
    bookings = list(
        Booking.objects.filter(booker_email__iexact=email)
        .select_related("event")
        .order_by("created_at", "pk")
    )
    booking_ids = {b.pk for b in bookings} | {p.booking_id for p in participants}
    payers = list(
        Payer.objects.filter(
            Q(email__iexact=email) | Q(booking__in=[b.pk for b in bookings])
        ).order_by("booking_id")
    )
    mails = list(OutboxMessage.objects.filter(to_email__iexact=email).order_by("created_at", "pk"))
    invoices = list(
        Invoice.objects.filter(
            Q(booking__in=booking_ids) | Q(document__buyer__contact_email__iexact=email)
        ).order_by("issue_date", "pk")
    )
    return PersonRows(email, participants, bookings, payers, mails, invoices)


# --- the downloads ---------------------------------------------------------------------------


def as_json(rows: PersonRows) -> bytes:
    return json.dumps(rows.as_data(), ensure_ascii=False, indent=2).encode()


def _flat(prefix: str, value):
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _flat(f"{prefix}.{key}" if prefix else key, item)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for number, item in enumerate(value, start=1):
            yield from _flat(f"{prefix}.{number}", item)
    elif isinstance(value, (list, dict)):  # a list of values, or nothing
        yield prefix, ", ".join("" if v is None else str(v) for v in value)
    else:
        yield prefix, "" if value is None else str(value)


def csv_rows(rows: PersonRows) -> list[list[str]]:
    """One line per value: section, record number, field, value (nested fields dotted)."""
    table = [["section", "record", "field", "value"]]
    for section, records in rows.as_data().items():
        if section == "email":
            continue
        for number, record in enumerate(records, start=1):
            table.extend([section, str(number), key, value] for key, value in _flat("", record))
    return table


def as_csv(rows: PersonRows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(rows))
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8


# --- erasure ---------------------------------------------------------------------------------


@dataclass
class Erasure:
    participants: int = 0
    bookings: int = 0
    payers: int = 0
    mails: int = 0
    invoices_anonymised: int = 0
    invoices_kept: list[tuple[str, dt.date]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            self.participants + self.bookings + self.payers + self.mails + self.invoices_anonymised
        )


def kept_invoices(invoices, today: dt.date | None = None) -> list[tuple[str, dt.date]]:
    """The invoices an erasure keeps unchanged (their bookkeeping period is not over), each with
    the last day it is kept."""
    return [
        (invoice.number, retention.bookkeeping_until(invoice.issue_date))
        for invoice in invoices
        if invoice.anonymised_at is None and not retention.invoice_due(invoice, today)
    ]


def erase(email: str, *, now: dt.datetime | None = None) -> Erasure:
    """Anonymises every row that holds the address, as retention does (anonymise.py), in one
    transaction. Invoices past their bookkeeping period lose the names; younger ones are kept
    unchanged, and returned with the last day they are kept. Harmless to repeat: the second
    time the address is found nowhere, and nothing changes."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = person_rows(email)
        today = timezone.localdate(now)
        result = Erasure(invoices_kept=kept_invoices(rows.invoices, today))
        for invoice in rows.invoices:
            if retention.invoice_due(invoice, today):
                result.invoices_anonymised += anonymise.invoice(invoice, now=now)
        result.participants = anonymise.participants(
            Participant.objects.filter(pk__in=[p.pk for p in rows.participants])
        )
        result.bookings = anonymise.bookings(
            Booking.objects.filter(pk__in=[b.pk for b in rows.bookings])
        )
        result.payers = anonymise.payers(Payer.objects.filter(email__iexact=rows.email))
        result.mails = anonymise.outbox(
            OutboxMessage.objects.filter(pk__in=[m.pk for m in rows.mails])
        )
        anonymise.webhook_deliveries(
            Delivery.objects.filter(
                Q(payload__data__email__iexact=rows.email)
                | Q(payload__data__booker__email__iexact=rows.email)
            )
        )
    return result
