"""The mails a participant or booker receives, rendered by the worker in their language."""

import datetime as dt
import io
from email.mime.image import MIMEImage
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.utils.translation import gettext as _

from tilmeld.core.money import money_text
from tilmeld.core.site import site_settings
from tilmeld.events.enums import WaitingListMode
from tilmeld.events.exports import event_ics
from tilmeld.events.models import Session
from tilmeld.mail.rendering import build_email
from tilmeld.pricing.labels import vat_note
from tilmeld.registrations import rules, selectors
from tilmeld.registrations.models import Booking, Participant
from tilmeld.registrations.services.checkin import checkin_code

CHECKIN_QR_CID = "checkin-qr"


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def price_text(participant: Participant, chosen=None) -> str:
    """ "Medlem 1.995,00 kr. + Festmiddag 350,00 kr. (incl. VAT)"; "" for a free seat."""
    if chosen is None:
        chosen = participant.chosen_options.select_related("option")
    parts = [f"{option.option.name} {money_text(option.amount)}" for option in chosen]
    if participant.price_amount is not None:
        name = participant.price.name if participant.price else _("Participation")
        parts.insert(0, f"{name} {money_text(participant.price_amount)}")
    if not parts:
        return ""
    return f"{' + '.join(parts)} ({vat_note(participant.event)})"


def _payer(booking: Booking):
    return getattr(booking, "payer", None)


def accepted_terms(booking: Booking) -> list[tuple[str, str]]:
    """(title with version, address) of the privacy policy and terms the booking accepted:
    the confirmations and the booker's summary link to the very text agreed to."""
    versions = [booking.privacy_version, booking.terms_version]
    return [(str(v), _absolute(v.get_absolute_url())) for v in versions if v is not None]


def _participant_mail(message, template: str, *, with_ics: bool, offer: bool = False):
    participant = Participant.objects.select_related(
        "event",
        "event__venue",
        "booking",
        "price",
        "booking__payer",
        "booking__privacy_version__page",
        "booking__terms_version__page",
    ).get(pk=message.params["participant"])
    event = participant.event
    site = site_settings()
    payer = _payer(participant.booking)
    context = {
        # Only where something is paid: a free event's mail costs no query more.
        "price_text": price_text(participant) if payer or participant.price_id else "",
        "payer": payer,
        "participant": participant,
        "event": event,
        "site": site,
        "manage_url": _absolute(participant.get_manage_url()),
        "event_url": _absolute(event.get_absolute_url()),
        "position": selectors.waiting_position(participant),
        "contact_email": event.contact_email or site.contact_email,
        "sessions": [c.session for c in participant.session_choices.select_related("session")],
        "dropped": list(Session.objects.filter(pk__in=message.params.get("dropped", []))),
        "accepted": message.params.get("accepted", False),
        # Whether a freed seat would now be offered rather than given (the waiting-list mail).
        "offers": rules.promotion(event) != WaitingListMode.AUTOMATIC,
        "binding": event.is_binding(),
        # Not to someone who took over a seat: the booker accepted them, not they.
        "accepted_terms": [] if participant.replaces_id else accepted_terms(participant.booking),
    }
    if offer:
        # As made, whatever happened since the mail was queued: the page behind the links says
        # whether the offer is still open.
        offer_url = _absolute(participant.get_offer_url())
        context |= {
            "deadline": dt.datetime.fromisoformat(message.params["deadline"]),
            "offer_url": offer_url,
            "decline_url": offer_url + "?" + urlencode({"answer": "decline"}),
            "has_sessions": Session.objects.filter(event=event, capacity__isnull=False).exists(),
        }
    attachments = []
    confirmed = with_ics and participant.status == "confirmed"
    if confirmed:
        ics = event_ics(event, url=context["event_url"], uid_host=settings.MAIL_ID_DOMAIN)
        attachments.append((f"{event.slug}.ics", ics, "text/calendar"))
        context["checkin_qr_cid"] = CHECKIN_QR_CID
    email = build_email(
        message,
        f"registrations/mail/{template}",
        context,
        attachments=attachments,
        reply_to=context["contact_email"],
    )
    if confirmed:
        email.attach(_checkin_qr_image(participant))
    return email


def _checkin_qr_image(participant: Participant) -> MIMEImage:
    """The check-in code as an inline PNG, shown in the HTML part by its Content-ID."""
    buffer = io.BytesIO()
    segno.make_qr(checkin_code(participant), error="m").save(buffer, kind="png", scale=6, border=4)
    image = MIMEImage(buffer.getvalue(), "png")
    image.add_header("Content-ID", f"<{CHECKIN_QR_CID}>")
    image.add_header("Content-Disposition", "inline", filename="checkin.png")
    return image


def registered(message):
    return _participant_mail(message, "registered", with_ics=True)


def promoted(message):
    return _participant_mail(message, "promoted", with_ics=True)


def reminder(message):
    return _participant_mail(message, "reminder", with_ics=True)


def offer(message):
    return _participant_mail(message, "offer", with_ics=False, offer=True)


def offer_expired(message):
    return _participant_mail(message, "offer_expired", with_ics=False)


def offer_declined(message):
    return _participant_mail(message, "offer_declined", with_ics=False)


def cancelled(message):
    return _participant_mail(message, "cancelled", with_ics=False)


def substituted(message):
    return _participant_mail(message, "substituted", with_ics=False)


def already_registered(message):
    return _participant_mail(message, "already_registered", with_ics=False)


def booking_summary(message):
    booking = Booking.objects.select_related(
        "event",
        "event__venue",
        "payer",
        "privacy_version__page",
        "terms_version__page",
    ).get(pk=message.params["booking"])
    site = site_settings()
    event = booking.event
    payer = _payer(booking)
    participants = booking.participants.select_related("event", "price").order_by("id")
    if payer is not None:
        participants = participants.prefetch_related("chosen_options__option")
    context = {
        "booking": booking,
        "payer": payer,
        "participants": [
            (p, price_text(p, p.chosen_options.all()) if payer else "") for p in participants
        ],
        "event": event,
        "site": site,
        "manage_url": _absolute(booking.get_manage_url()),
        "event_url": _absolute(event.get_absolute_url()),
        "contact_email": event.contact_email or site.contact_email,
        "accepted_terms": accepted_terms(booking),
    }
    return build_email(
        message, "registrations/mail/booking_summary", context, reply_to=context["contact_email"]
    )
