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


# What happened to registrations, for followers outside the app (the webhooks), each sent inside
# the transaction of the change, so a rolled-back change announces nothing. On the registration's
# hot path the rows are not written yet when it is sent (core.rows.batch): a receiver may write
# rows of its own there, but must not read these back. Arguments:
# - `registered`: `booking` and its new `participants` (each confirmed or on the waiting list);
#   on the hot path also `written`, a function that tells what was written with them, so that
#   a receiver need not read it back ({participant id: {"waiting_place", "chosen_options",
#   "sessions", "checked_in_at"}}, the arguments of api.serialize.participant_data; it caches
#   the booking's payer on it), called only by a receiver that needs it;
# - `status_changed`: `participant` with its new status (confirmed, offered, cancelled or
#   substituted), and for a substitution the `substitute` who took over;
# - `checked_in`: `participant` and its `check_in`.
registered = Signal()
status_changed = Signal()
checked_in = Signal()


def announce_registered(booking, participants, *, written=None) -> None:
    registered.send(sender=None, booking=booking, participants=participants, written=written)


def announce_status(participant, *, substitute=None) -> None:
    status_changed.send(sender=None, participant=participant, substitute=substitute)
