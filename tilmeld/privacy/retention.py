"""How long Tilmeld keeps personal data, and the anonymisation when that time is over. Every rule
of retention lives here; anonymise.py holds the primitives that remove the data.

The rules
- An event's participants and bookers are kept for a retention period after the event ends:
  the event's own (Event.retention_months), else the site's (SiteSettings.retention_months,
  12 months by default). Then the worker's sweep anonymises them (sweep, below).
- Invoices and credit notes are bookkeeping records (bogføringsloven § 10): kept unchanged for
  5 years after the end of the financial year they belong to, the calendar year of their date.
  From the 1st of January after that, the personal names in them are removed.

What anonymising an event does, model by model
- Participant: name → "Anonymiseret", e-mail → participant-<id>@anonymised.invalid, phone and job
  title emptied, manage link made anew. Kept: organisation (an institution, not a person),
  status, price, registration and cancellation times, waiting order, substitution links.
- Answer: free-text and diet/health (sensitive) answers deleted; choice and yes/no answers to
  other questions kept, for the dashboard's statistics.
- ParticipantChange: action, time and staff member kept; values emptied except status,
  check-in and offer times, organisation, language, sessions, price and options; notes emptied.
- CheckIn, SessionChoice, ParticipantOption, SeatCount: kept whole (no personal data): the
  dashboard still shows registered, arrived and no-shows.
- Booking: booker's name, e-mail and phone replaced; organisation and language kept.
- Payer: person reference and invoice e-mail removed; a person paying privately loses name and
  address too. Public bodies and companies keep name, EAN/CVR, address and order number.
- OutboxMessage (the event's participant, booker, broadcast, invoice and payment-reminder
  mails): recipient, recipient name and error text removed; an unsent one is marked failed.
  Subject, kind, status and times kept. The staff's broadcast text (staff.Broadcast) is kept.
- webhooks.Delivery carrying the event's participants, bookings or invoices: deleted (a body
  is never changed; the receiver has had it).
- Invoice: untouched until its own bookkeeping period is over (above); then buyer contact,
  person reference, participants' names on the lines, and a private buyer's name and address
  are removed from the stored document and buyer_name. Amounts, numbers and dates never change.
  Payments and reminders keep their rows (amounts, dates; a bank text as the bank sent it).
- api.IdempotentRequest: not touched; its own sweep deletes every row after 24 hours.
- Staff users, organisations, venues, speakers, news: not participants' data; not touched.

The sweep is idempotent and crash-safe: each event is done in one transaction that locks its
row and sets Event.anonymised_at, so a rerun, or a second worker, finds nothing left to do. It
logs counts, never the data."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from tilmeld.core.site import site_settings
from tilmeld.events.models import Event
from tilmeld.invoicing.models import Invoice, Reminder
from tilmeld.invoicing.reminders import RENDERER as PAYMENT_REMINDER
from tilmeld.mail.models import OutboxMessage
from tilmeld.privacy import anonymise
from tilmeld.registrations.models import Booking, Participant
from tilmeld.registrations.services.mails import RENDER as REGISTRATION_MAIL
from tilmeld.registrations.services.reminders import KIND as EVENT_REMINDER
from tilmeld.webhooks.models import Delivery

log = logging.getLogger("tilmeld.privacy")

BOOKKEEPING_YEARS = 5  # bogføringsloven § 10: 5 years from the end of the financial year


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` later; the month's last day where it is shorter."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    days = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, days))


def retention_months(event: Event) -> int:
    return event.retention_months or site_settings().retention_months


def anonymise_at(event: Event) -> dt.datetime:
    """When the event's participants are anonymised: its end plus its retention period."""
    return _add_months(timezone.localtime(event.ends_at), retention_months(event))


def is_due(event: Event, now: dt.datetime | None = None) -> bool:
    return event.anonymised_at is None and anonymise_at(event) <= (now or timezone.now())


def bookkeeping_until(issue_date: dt.date) -> dt.date:
    """The last day an invoice of this date is kept unchanged: the end of its financial year
    (the calendar year), plus 5 years."""
    return dt.date(issue_date.year + BOOKKEEPING_YEARS, 12, 31)


def invoice_due(invoice: Invoice, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return invoice.anonymised_at is None and bookkeeping_until(invoice.issue_date) < today


def due_invoices(today: dt.date | None = None):
    today = today or timezone.localdate()
    cutoff = dt.date(today.year - BOOKKEEPING_YEARS, 1, 1)
    return Invoice.objects.filter(anonymised_at__isnull=True, issue_date__lt=cutoff)


# --- what an event holds -----------------------------------------------------------------


def event_mails(event: Event):
    """The outbox rows of the event's people: its participants' and bookers' mails, the
    messages staff sent them, and the mails of its invoices and payment reminders."""
    invoices = Invoice.objects.filter(booking__event=event)
    reminders = Reminder.objects.filter(invoice__in=invoices)
    return OutboxMessage.objects.filter(
        Q(reference=f"event:{event.pk}")
        | Q(reference=f"{EVENT_REMINDER}:{event.pk}", renderer__startswith=REGISTRATION_MAIL)
        | Q(
            reference__in=[
                f"broadcast:{pk}" for pk in event.broadcasts.values_list("pk", flat=True)
            ]
        )
        | Q(reference__in=[f"invoice:{pk}" for pk in invoices.values_list("pk", flat=True)])
        | Q(
            reference__in=[f"reminder:{pk}" for pk in reminders.values_list("pk", flat=True)],
            renderer=PAYMENT_REMINDER,
        )
    )


def event_deliveries(event: Event):
    """Webhook deliveries whose body is one of the event's participants, bookings or invoices
    (their `data.event` is the event's slug; an event.changed body names no person)."""
    return Delivery.objects.filter(payload__data__event=event.slug)


@dataclass
class Plan:
    """What anonymising one event will change, and when."""

    event: Event
    at: dt.datetime
    participants: int
    bookings: int
    mails: int

    @property
    def due(self) -> bool:
        return self.at <= timezone.now()


def plan(event: Event) -> Plan:
    return Plan(
        event=event,
        at=anonymise_at(event),
        participants=Participant.objects.filter(event=event).count(),
        bookings=Booking.objects.filter(event=event).count(),
        mails=event_mails(event).count(),
    )


def planned(now: dt.datetime | None = None) -> list[Plan]:
    """Every event not anonymised yet that has participants, soonest first."""
    events = Event.objects.filter(anonymised_at__isnull=True, participants__isnull=False)
    return sorted((plan(e) for e in events.distinct()), key=lambda p: (p.at, p.event.pk))


def planned_invoices(today: dt.date | None = None) -> list[tuple[int, dt.date, int]]:
    """(year, the day its names are removed, how many invoices) per year still holding names."""
    years: dict[int, int] = {}
    for issued in Invoice.objects.filter(anonymised_at__isnull=True).values_list(
        "issue_date", flat=True
    ):
        years[issued.year] = years.get(issued.year, 0) + 1
    return [
        (year, bookkeeping_until(dt.date(year, 1, 1)) + dt.timedelta(days=1), count)
        for year, count in sorted(years.items())
    ]


# --- the changes ---------------------------------------------------------------------------


def anonymise_event(event: Event, *, now: dt.datetime | None = None) -> dict[str, int] | None:
    """Anonymises the event's participants, bookings, their mails and webhook deliveries, in
    one transaction that locks the event's row and sets Event.anonymised_at. None when the
    event was done already (by another worker, or before). Invoices keep their own period."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Event.objects.select_for_update().filter(pk=event.pk, anonymised_at=None).first()
        if locked is None:
            return None
        counts = {
            "participants": anonymise.participants(Participant.objects.filter(event=locked)),
            "bookings": anonymise.bookings(Booking.objects.filter(event=locked)),
            "mails": anonymise.outbox(event_mails(locked)),
            "webhook_deliveries": anonymise.webhook_deliveries(event_deliveries(locked)),
        }
        Event.objects.filter(pk=locked.pk).update(anonymised_at=now)
    event.anonymised_at = now
    return counts


def anonymise_late_rows() -> tuple[int, int]:
    """Participants and bookings added to an event after it was anonymised (staff registering
    someone afterwards): anonymised at once, as the rest of the event was."""
    late = Participant.objects.filter(event__anonymised_at__isnull=False).exclude(
        email__endswith="@" + anonymise.ANONYMOUS_DOMAIN
    )
    late_bookings = Booking.objects.filter(event__anonymised_at__isnull=False).exclude(
        booker_email__endswith="@" + anonymise.ANONYMOUS_DOMAIN
    )
    if not (late.exists() or late_bookings.exists()):
        return 0, 0
    with transaction.atomic():
        events = Event.objects.filter(
            Q(pk__in=late.values("event_id")) | Q(pk__in=late_bookings.values("event_id"))
        )
        mails = OutboxMessage.objects.none()
        for event in events:
            mails = mails | event_mails(event)
        counts = anonymise.participants(late), anonymise.bookings(late_bookings)
        anonymise.outbox(mails.exclude(to_email=anonymise.OUTBOX_ADDRESS))
        for event in events:
            anonymise.webhook_deliveries(event_deliveries(event))
    return counts


def remove_invoice_names(invoice: Invoice, *, now: dt.datetime | None = None) -> bool:
    """Removes the personal names from one invoice past its bookkeeping period; False when it
    is not past it, or was done already."""
    if not invoice_due(invoice, timezone.localdate(now) if now else None):
        return False
    with transaction.atomic():
        return anonymise.invoice(invoice, now=now)


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's sweep (settings.WORKER_SWEEPS): anonymises every event whose retention
    period is over (and anyone staff added to one afterwards), and removes the names from
    invoices past their bookkeeping period. Each
    event and each invoice in its own transaction: a crash loses at most the one in hand, which
    the next sweep does. Logs counts only."""
    now = now or timezone.now()
    done = {"events": 0, "participants": 0, "bookings": 0, "mails": 0, "invoices": 0}
    candidates = Event.objects.filter(anonymised_at__isnull=True, ends_at__lt=now)
    for event in candidates.order_by("ends_at", "pk"):
        if not is_due(event, now):
            continue
        counts = anonymise_event(event, now=now)
        if counts is None:
            continue
        done["events"] += 1
        for key in ("participants", "bookings", "mails"):
            done[key] += counts[key]
        log.info("Event %s anonymised: %s", event.pk, counts)
    late_participants, late_bookings = anonymise_late_rows()
    if late_participants or late_bookings:
        done["participants"] += late_participants
        done["bookings"] += late_bookings
        log.info(
            "Anonymised %s participants and %s bookings added after their event was",
            late_participants,
            late_bookings,
        )
    for invoice in due_invoices(timezone.localdate(now)).order_by("pk"):
        try:
            done["invoices"] += remove_invoice_names(invoice, now=now)
        except DatabaseError:  # the database's clock may not have reached the new year yet
            log.warning("Invoice %s: names not removed yet", invoice.pk)
    if done["invoices"]:
        log.info("Names removed from %s invoices", done["invoices"])
    return done
