"""What other apps may follow without events knowing them (the webhooks).

`saved` is sent when staff have saved an event in the admin, with its inlines, inside the
admin's transaction: `event`, and `created` for a new one."""

from django.dispatch import Signal

saved = Signal()
