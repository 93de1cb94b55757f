"""What other apps may follow without invoicing knowing them (the webhooks), each sent inside
the transaction of the change, so a rolled-back change announces nothing.

- `issued`: `invoice`, an invoice or credit note just stored with its number;
- `paid`: `invoice` and the `payment` that left nothing outstanding on it."""

from django.dispatch import Signal

issued = Signal()
paid = Signal()
