"""What other apps may follow without registrations knowing them.

`booking_changed` is sent inside the transaction of a change that may alter what a booking owes:
a seat confirmed (registered, moved up, an offer accepted), cancelled or handed over, a price
changed by staff. Receivers queue their work in the same transaction (invoicing queues the
booking's settlement), so a rolled-back change queues nothing. Arguments: `booking_id`, `event`,
and `priced` when the sender knows the event has prices (saves the receiver a query)."""

from django.dispatch import Signal

booking_changed = Signal()


def changed(booking_id: int, event, *, priced: bool | None = None) -> None:
    booking_changed.send(sender=None, booking_id=booking_id, event=event, priced=priced)
