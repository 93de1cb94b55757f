"""From bookings to invoices and credit notes: the one place that decides what a booking is
invoiced and credited.

`settle(booking)` compares what each participant owes (their price and options, while they
hold a seat) with what is invoiced and not credited (Charge rows), and issues the difference:
one invoice for everything newly owed, and a credit note per invoice for what is no longer owed
(a cancellation before the binding date, a price changed by staff). It is idempotent and runs
under the booking's row lock, so the task, the worker's sweep and staff may all call it."""

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tilmeld.core.dates import date_text, local
from tilmeld.core.site import site_settings
from tilmeld.invoicing import services
from tilmeld.invoicing.documents.data import Document, Kind, Line, Party, Payment, VatCategory
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import Charge, Invoice
from tilmeld.pricing import rules as pricing
from tilmeld.pricing.models import Option
from tilmeld.registrations import rules
from tilmeld.registrations.enums import Membership, ParticipantStatus
from tilmeld.registrations.models import Booking, Participant

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Owed:
    """One thing a participant owes: the seat (option None) or an option, as entered."""

    participant: Participant
    option: Option | None
    entered: Decimal

    @property
    def key(self):
        return (self.option.pk if self.option else 0, self.entered)


def owed(participant: Participant) -> list[Owed]:
    """What a participant with a seat owes; nothing at all for a free seat."""
    items = []
    if participant.price_amount:
        items.append(Owed(participant, None, participant.price_amount))
    items += [
        Owed(participant, chosen.option, chosen.amount)
        for chosen in participant.chosen_options.all()
        if chosen.amount
    ]
    return items


def why_not_invoiced(booking: Booking, *, force: bool = False) -> str:
    """Why a booking's new charges are not invoiced now ("" when they are)."""
    site = site_settings()
    if not site.cvr or not ((site.bank_reg and site.bank_account) or site.iban):
        return _(
            "The association's CVR number and bank account are missing: fill them in under"
            " site settings."
        )
    payer = getattr(booking, "payer", None)
    if payer is None:
        return _("The booking has no payer.")
    if payer.membership == Membership.CLAIMED:
        return _("The member price is claimed but not verified: approve it or change the price.")
    if booking.event.invoicing_held and not force:
        return _("Invoicing is held for this event.")
    return ""


def settle(booking: Booking, *, by=None, force: bool = False, credit: tuple = ()) -> list[Invoice]:
    """Issues what the booking needs now (see the module). `force`: staff issue by hand though
    invoicing is held for the event. `credit`: participants cancelled after the binding date
    whom staff decided to credit. Returns the documents issued."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("event", "payer")
            .get(pk=booking.pk)
        )
        participants = list(
            booking.participants.select_related("price", "event")
            .prefetch_related("chosen_options__option")
            .order_by("created_at", "id")
        )
        _follow_substitutions(participants)
        open_charges = defaultdict(list)
        for charge in Charge.objects.filter(
            participant__booking=booking, credit_note__isnull=True
        ).select_related("invoice"):
            open_charges[charge.participant_id].append(charge)
        to_credit: list[Charge] = []
        to_invoice: list[Owed] = []
        for participant in participants:
            charged = open_charges.get(participant.pk, [])
            if participant.status == ParticipantStatus.CONFIRMED:
                wanted = owed(participant)
                keys = sorted((c.option_id or 0, c.entered) for c in charged)
                if keys == sorted(w.key for w in wanted):
                    continue
                to_credit += charged
                to_invoice += wanted
            elif charged and (
                rules.cancelled_free_of_charge(participant) or participant.pk in credit
            ):
                to_credit += charged
        issued = _credit(booking, to_credit, by=by)
        if to_invoice and not why_not_invoiced(booking, force=force):
            issued.append(_invoice(booking, to_invoice, by=by))
        return issued


def _follow_substitutions(participants: list[Participant]) -> None:
    """A seat handed over keeps what was invoiced for it: the open charges move to the person
    who took it over (the documents issued are not changed; the next one shows the new name)."""
    replaced = {p.replaces_id: p for p in participants if p.replaces_id}
    for participant in participants:
        if participant.status != ParticipantStatus.SUBSTITUTED:
            continue
        successor = replaced.get(participant.pk)
        while successor is not None and successor.status == ParticipantStatus.SUBSTITUTED:
            successor = replaced.get(successor.pk)
        if successor is not None:
            Charge.objects.filter(participant=participant, credit_note__isnull=True).update(
                participant=successor
            )


def seller() -> Party:
    site = site_settings()
    address = [line.strip() for line in (site.address or "").splitlines() if line.strip()]
    postcode, city = "", ""
    if len(address) > 1:
        postcode, _sep, city = address[-1].partition(" ")
    return Party(
        name=site.name,
        street=address[0] if address else "",
        postcode=postcode,
        city=city,
        cvr=site.cvr,
        contact_name=site.name,
        contact_email=site.contact_email,
        contact_phone=site.phone,
    )


def buyer(booking: Booking) -> Party:
    payer = booking.payer
    return Party(
        name=payer.name,
        street=payer.street,
        postcode=payer.postcode,
        city=payer.city,
        cvr=payer.cvr,
        gln=payer.gln,
        contact_name=booking.booker_name,
        contact_email=payer.email or booking.booker_email,
    )


def _payment() -> Payment:
    site = site_settings()
    return Payment(
        reference="",
        bank_reg=site.bank_reg,
        bank_account=site.bank_account,
        iban=site.iban,
        bic=site.bic,
        fi_creditor=site.fi_creditor,
    )


def _line(number: int, item: Owed) -> Line:
    participant, event = item.participant, item.participant.event
    amount = pricing.line_amount(event, item.entered)
    if item.option is None:
        price = participant.price
        name = price.name if price else _("Participation")
        if price and price.early_amount == item.entered != price.amount:
            name = _("%(price)s, early bird") % {"price": name}
        description = f"{event.title}: {name}"
    else:
        description = f"{event.title}: {item.option.name}"
    return Line(
        id=str(number),
        description=description[:300],
        quantity=Decimal(1),
        unit_price=amount.unit_net,
        vat_category=VatCategory.EXEMPT if amount.exempt else VatCategory.STANDARD,
        vat_percent=amount.percent if not amount.exempt else Decimal(0),
        note=f"{participant.name}, {date_text(event.starts_at)}"[:300],
    )


def _document(booking: Booking, kind: Kind, lines: list[Line]) -> Document:
    event, payer = booking.event, booking.payer
    today = local(timezone.now()).date()
    days = site_settings().payment_days
    return Document(
        kind=kind,
        number="",
        issue_date=today,
        seller=seller(),
        buyer=buyer(booking),
        lines=lines,
        payment=_payment(),
        due_date=today + dt.timedelta(days=days) if kind == Kind.INVOICE else None,
        buyer_reference=payer.person_reference,
        order_reference=payer.order_reference,
        vat_exemption_reason=event.vat_exemption_reason
        if any(line.vat_category == VatCategory.EXEMPT for line in lines)
        else "",
        note=f"{event.title}, {date_text(event.starts_at)}"[:300],
        language=booking.language,
    )


def _invoice(booking: Booking, items: list[Owed], *, by=None) -> Invoice:
    with translation.override(booking.language):
        lines = [_line(number, item) for number, item in enumerate(items, start=1)]
        document = _document(booking, Kind.INVOICE, lines)
    invoice = services.issue(document, booking=booking, by=by)
    Charge.objects.bulk_create(
        Charge(
            invoice=invoice,
            participant=item.participant,
            option=item.option,
            line_id=line.id,
            entered=item.entered,
        )
        for item, line in zip(items, lines, strict=True)
    )
    log.info("Invoice %s issued for booking %s", invoice.number, booking.pk)
    return invoice


def _credit(booking: Booking, charges: list[Charge], *, by=None) -> list[Invoice]:
    """A credit note per invoice, with the very lines it charged (positive amounts); the
    participant's name is the one the invoice carried."""
    notes = []
    by_invoice = defaultdict(list)
    for charge in charges:
        by_invoice[charge.invoice].append(charge)
    for invoice, items in sorted(by_invoice.items(), key=lambda pair: pair[0].pk):
        original = invoice.as_document()
        lines_by_id = {line.id: line for line in original.lines}
        lines = [lines_by_id[charge.line_id] for charge in items]
        with translation.override(booking.language):
            document = _document(booking, Kind.CREDIT_NOTE, lines)
        note = services.credit(invoice, document, by=by)
        Charge.objects.filter(pk__in=[c.pk for c in items]).update(credit_note=note)
        log.info("Credit note %s issued for invoice %s", note.number, invoice.number)
        notes.append(note)
    return notes


def credit_invoice(invoice: Invoice, *, by=None) -> Invoice:
    """A credit note for what is left of `invoice`. A booking's invoice is credited by its
    charges not yet credited, under the booking's row lock as settle() credits them; those of
    its participants who still hold a seat are invoiced anew by the next settle(). An invoice
    without charges is credited whole by services.credit, which refuses more than it charged.
    Refuses (InvoicingError) a credit note, and an invoice credited already."""
    if invoice.kind != Kind.INVOICE:
        raise InvoicingError(_("Only an invoice can be credited."), code="kind")
    with transaction.atomic():
        if invoice.booking_id is not None:
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("event", "payer")
                .get(pk=invoice.booking_id)
            )
            charges = list(
                Charge.objects.filter(invoice=invoice).select_related("invoice").order_by("pk")
            )
            open_charges = [charge for charge in charges if charge.credit_note_id is None]
            if open_charges:
                [note] = _credit(booking, open_charges, by=by)
                return note
            if charges:
                raise InvoicingError(
                    _("This would credit more than invoice %(number)s charged.")
                    % {"number": invoice.number},
                    code="too_much",
                )
        original = invoice.as_document()
        document = dataclasses.replace(
            original,
            kind=Kind.CREDIT_NOTE,
            number="",
            issue_date=local(timezone.now()).date(),
            due_date=None,
        )
        return services.credit(invoice, document, by=by)


def unsettled_bookings():
    """Bookings that may need a document: a confirmed participant of a priced event without an
    open charge, or a cancelled one with an open charge. settle() decides; this only narrows."""
    open_charge = Charge.objects.filter(participant=OuterRef("pk"), credit_note__isnull=True)
    priced = Q(event__prices__isnull=False) | Q(event__options__isnull=False)
    needing = (
        Participant.objects.filter(priced)
        .annotate(charged=Exists(open_charge))
        .filter(
            Q(status=ParticipantStatus.CONFIRMED, charged=False)
            | Q(
                status__in=[ParticipantStatus.CANCELLED, ParticipantStatus.SUBSTITUTED],
                charged=True,
            )
        )
        .exclude(booking__payer__membership=Membership.CLAIMED)
        .exclude(booking__payer__isnull=True)
        .filter(Q(event__invoicing_held=False) | Q(status__in=["cancelled", "substituted"]))
    )
    return Booking.objects.filter(pk__in=needing.values("booking_id"))


def sweep(limit: int = 200) -> int:
    """The worker's safety net (settings.WORKER_SWEEPS): settles bookings whose task was lost.
    Returns how many documents it issued."""
    count = 0
    for booking in unsettled_bookings().order_by("pk")[:limit]:
        try:
            count += len(settle(booking))
        except InvoicingError as error:
            log.warning("Booking %s not invoiced: %s", booking.pk, error)
    return count


def price_of(booking: Booking) -> dict:
    """What a booking costs as its pages show it: per participant the seat and options, and
    the total with VAT."""
    event = booking.event
    rows = []
    total = Decimal(0)
    for participant in (
        booking.participants.filter(status=ParticipantStatus.CONFIRMED)
        .select_related("price")
        .prefetch_related("chosen_options__option")
    ):
        items = owed(participant)
        gross = sum((pricing.with_vat(event, item.entered) for item in items), Decimal(0))
        total += gross
        rows.append({"participant": participant, "items": items, "gross": gross})
    return {"rows": rows, "total": total}
