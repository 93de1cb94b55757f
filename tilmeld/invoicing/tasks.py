"""Invoicing in the background: a booking's settlement runs in the worker, off the request."""

import logging

from django_tasks import task

from tilmeld.core import rows
from tilmeld.invoicing import billing
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.pricing.models import Option, Price
from tilmeld.registrations.models import Booking

log = logging.getLogger(__name__)


@task()
def settle_booking(booking_id: int) -> int:
    """Issues what the booking needs (billing.settle). Safe to run again: a booking settled
    already needs nothing. A refusal is logged; the booking stays for staff to see."""
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        return 0
    try:
        return len(billing.settle(booking))
    except InvoicingError as error:
        log.warning("Booking %s not invoiced: %s", booking_id, error)
        return 0


def booking_changed(sender, *, booking_id, event, priced=None, **kwargs) -> None:
    """registrations.signals.booking_changed: queues the settlement in the change's own
    transaction (the database task backend), for events with prices or options."""
    if priced is None:
        priced = (
            Price.objects.filter(event_id=event.pk).exists()
            or Option.objects.filter(event_id=event.pk).exists()
        )
    if not priced:
        return
    if settle_booking.get_backend().supports_defer:
        # The database backend: one more INSERT held back with the registration's writes.
        settle_booking.enqueue(booking_id)
    else:
        # A backend that runs the task at once (tests) must find the participants stored,
        # after the registration's held-back writes (core.rows.batch).
        rows.once_written(lambda: settle_booking.enqueue(booking_id))
