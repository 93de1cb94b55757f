"""Which mail goes to whom. The texts live in tilmeld/registrations/mails.py and templates."""

from tilmeld.mail.services import queue_mail
from tilmeld.registrations.models import Booking, Participant

RENDER = "tilmeld.registrations.mails."


def to_participant(
    participant: Participant, kind: str, reference: str = "", *, pk=None, **params
) -> None:
    """`pk` is the message's primary key when reserved ahead (core.rows.reserve_column)."""
    queue_mail(
        RENDER + kind,
        to_email=participant.email,
        to_name=participant.name,
        language=participant.language,
        params={"participant": participant.pk, **params},
        reference=reference or f"event:{participant.event_id}",
        pk=pk,
    )


def to_booker(booking: Booking, kind: str, *, pk=None, **params) -> None:
    queue_mail(
        RENDER + kind,
        to_email=booking.booker_email,
        to_name=booking.booker_name,
        language=booking.language,
        params={"booking": booking.pk, **params},
        reference=f"event:{booking.event_id}",
        pk=pk,
    )
