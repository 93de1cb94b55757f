from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationState(models.TextChoices):
    NONE = "none", _("No registration")
    NOT_YET_OPEN = "not_yet_open", _("Registration not yet open")
    OPEN = "open", _("Registration open")
    FULL = "full", _("Full: waiting list")
    SOLD_OUT = "sold_out", _("Sold out")
    CLOSED = "closed", _("Registration closed")
    CANCELLED = "cancelled", _("Event cancelled")


class WaitingListMode(models.TextChoices):
    OFFER = "offer", _("Offer the seat: the first in line accepts or declines by a deadline")
    AUTOMATIC = "automatic", _("Move up automatically (until the binding date)")


class VatMode(models.TextChoices):
    INCLUDED = "included", _("25 % VAT, prices entered including VAT")
    EXCLUDED = "excluded", _("25 % VAT, prices entered excluding VAT")
    EXEMPT = "exempt", _("Exempt from VAT (the legal basis is printed on the invoice)")
