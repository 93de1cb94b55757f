"""The events of the apps below, turned into webhook deliveries (services.emit) inside the
transaction of each change. A payload is built only when a subscription listens to its type."""

from functools import partial

from tilmeld.core import rows
from tilmeld.webhooks import listeners, payloads
from tilmeld.webhooks.enums import EventType
from tilmeld.webhooks.services import emit

BY_STATUS = {
    "confirmed": EventType.REGISTRATION_CONFIRMED,
    "waiting": EventType.REGISTRATION_WAITLISTED,
    "offered": EventType.REGISTRATION_OFFERED,
    "cancelled": EventType.REGISTRATION_CANCELLED,
    "substituted": EventType.REGISTRATION_SUBSTITUTED,
}


def registered(sender, *, booking, participants, written=None, **kwargs) -> None:
    """With what the registration `written` (its hot path), the payloads read nothing and the
    deliveries join the registration's held writes. Else they are emitted once its rows are
    written (held in its rows.batch), so that a payload may read them; on PostgreSQL that costs
    waits for the server while the seat lock is held. Only when someone listens."""
    wanted = {EventType.REGISTRATION_CREATED, *(BY_STATUS[p.status] for p in participants)}
    if not any(listeners.subscription_ids(event_type) for event_type in wanted):
        return
    if written is None:
        rows.once_written(partial(_registered, booking, participants))
    else:
        _registered(booking, participants, written())


def _registered(booking, participants, written=None) -> None:
    emit(EventType.REGISTRATION_CREATED, partial(payloads.booking_data, booking, participants))
    for participant in participants:
        known = written[participant.pk] if written else {}
        data = partial(payloads.participant_data, participant, **known)
        emit(BY_STATUS[participant.status], data)


def _substituted(participant, substitute) -> dict:
    return payloads.participant_data(participant) | {
        "substitute": payloads.participant_data(substitute)
    }


def status_changed(sender, *, participant, substitute=None, **kwargs) -> None:
    """The participant with its new status; a substitution also carries who took over."""
    if substitute is not None:
        data = partial(_substituted, participant, substitute)
    else:
        data = partial(payloads.participant_data, participant)
    emit(BY_STATUS[participant.status], data)


def _checked_in(participant, check_in) -> dict:
    return payloads.participant_data(participant) | {
        "checked_in_at": payloads.when(check_in.checked_in_at)
    }


def checked_in(sender, *, participant, check_in, **kwargs) -> None:
    emit(EventType.CHECKIN_CREATED, partial(_checked_in, participant, check_in))


def invoice_issued(sender, *, invoice, **kwargs) -> None:
    emit(EventType.INVOICE_ISSUED, partial(payloads.invoice_data, invoice))


def _paid(invoice, payment) -> dict:
    return payloads.invoice_data(invoice) | {"paid_on": payloads.day(payment.paid_on)}


def invoice_paid(sender, *, invoice, payment, **kwargs) -> None:
    emit(EventType.INVOICE_PAID, partial(_paid, invoice, payment))


def event_saved(sender, *, event, **kwargs) -> None:
    emit(EventType.EVENT_CHANGED, partial(payloads.event_data, event))


def connect() -> None:
    from tilmeld.events import signals as events
    from tilmeld.invoicing import signals as invoicing
    from tilmeld.registrations import signals as registrations

    for signal, receiver in [
        (registrations.registered, registered),
        (registrations.status_changed, status_changed),
        (registrations.checked_in, checked_in),
        (invoicing.issued, invoice_issued),
        (invoicing.paid, invoice_paid),
        (events.saved, event_saved),
    ]:
        signal.connect(receiver, dispatch_uid=f"webhooks-{receiver.__name__}")
