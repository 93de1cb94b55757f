from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    EVENTS_READ = "events:read", _("Read events, including drafts")
    REGISTRATIONS_READ = "registrations:read", _("Read bookings and participants")
    REGISTRATIONS_WRITE = "registrations:write", _("Register, edit, cancel and hand over")
    INVOICES_READ = "invoices:read", _("Read invoices and credit notes")
    INVOICES_WRITE = "invoices:write", _("Mark invoices paid")
    CHECKIN_WRITE = "checkin:write", _("Check participants in")
    WEBHOOKS_WRITE = "webhooks:write", _("Subscribe to webhooks")


# A token never grants more than its owner may do in the admin: each scope needs these
# Django permissions of the token's owner, checked on every request.
PERMISSIONS = {
    Scope.EVENTS_READ: ("events.view_event",),
    Scope.REGISTRATIONS_READ: ("registrations.view_participant", "registrations.view_booking"),
    Scope.REGISTRATIONS_WRITE: (
        "registrations.add_participant",
        "registrations.change_participant",
    ),
    Scope.INVOICES_READ: ("invoicing.view_invoice",),
    Scope.INVOICES_WRITE: ("invoicing.add_payment",),
    Scope.CHECKIN_WRITE: ("registrations.add_checkin",),
    Scope.WEBHOOKS_WRITE: ("webhooks.add_subscription",),
}
