"""Messages from staff to an event's participants: who gets them, sending, and the mail itself."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import pgettext

from tilmeld.core.site import site_settings
from tilmeld.events.models import Event
from tilmeld.mail.rendering import build_email
from tilmeld.mail.services import queue_mail
from tilmeld.registrations.enums import ACTIVE_STATUSES, ParticipantStatus
from tilmeld.registrations.models import Participant
from tilmeld.staff.models import Audience, Broadcast

RENDERER = "tilmeld.staff.broadcasts.render"


def recipients(event: Event, audience: str, session=None):
    """Active participants only: someone who cancelled or handed over a seat is never included."""
    people = Participant.objects.filter(event=event, status__in=ACTIVE_STATUSES)
    match audience:
        case Audience.CONFIRMED:
            people = people.filter(status=ParticipantStatus.CONFIRMED)
        case Audience.WAITING:  # an open offer is still a place in line until it is accepted
            people = people.filter(
                status__in=[ParticipantStatus.WAITING, ParticipantStatus.OFFERED]
            )
        case Audience.SESSION:
            people = people.filter(
                session_choices__session=session, session_choices__holds_seat=True
            )
        case Audience.NOT_CHECKED_IN:
            people = people.filter(status=ParticipantStatus.CONFIRMED, check_in__isnull=True)
    return people.order_by("name", "id")


def send_broadcast(
    event: Event, *, audience: str, session, subject: str, body: str, by
) -> Broadcast:
    """Stores the message and queues one mail per recipient in one transaction."""
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            event=event,
            audience=audience,
            session=session,
            subject=subject,
            body=body,
            created_by=by,
        )
        count = 0
        for participant in recipients(event, audience, session).iterator():
            queue_mail(
                RENDERER,
                to_email=participant.email,
                to_name=participant.name,
                language=participant.language,
                params={"broadcast": broadcast.pk, "participant": participant.pk},
                reference=broadcast.reference,
            )
            count += 1
        broadcast.recipient_count = count
        broadcast.save(update_fields=["recipient_count"])
    return broadcast


def send_test(event: Event, *, subject: str, body: str, sample: Participant | None, to: str, by):
    """The message as a participant would get it, sent to the staff member only."""
    queue_mail(
        RENDERER,
        to_email=to,
        to_name=by.get_full_name(),
        params={
            "subject": subject,
            "body": body,
            "participant": sample and sample.pk,
            "event": event.pk,
        },
        reference=f"test:{event.pk}",
    )


EXAMPLE_LINK = "/tilmelding/EKSEMPEL/"


def context_for(*, event, subject, body, participant, example: bool = False) -> dict:
    """The mail's context. `example` (previews and tests to staff) shows a sample participant
    with a dummy link: their real manage link must reach only them."""
    site = site_settings()
    manage_path = participant.get_manage_url() if participant else ""
    return {
        "event": event,
        "subject": subject,
        "body": body,
        "participant": participant,
        "site": site,
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "manage_url": settings.SITE_URL + (EXAMPLE_LINK if example else manage_path),
        "contact_email": event.contact_email or site.contact_email,
    }


def render(message):
    params = message.params
    participant = Participant.objects.filter(pk=params.get("participant")).first()
    example = "broadcast" not in params
    if not example:
        broadcast = Broadcast.objects.select_related("event").get(pk=params["broadcast"])
        event, subject, body = broadcast.event, broadcast.subject, broadcast.body
    else:
        event = Event.objects.get(pk=params["event"])
        # Translators: marks a test mail's subject, sent to staff before the real message.
        subject = pgettext("test mail", "[Test] %(subject)s") % {"subject": params["subject"]}
        body = params["body"]
    context = context_for(
        event=event, subject=subject, body=body, participant=participant, example=example
    )
    return build_email(message, "staff/mail/broadcast", context, reply_to=context["contact_email"])
