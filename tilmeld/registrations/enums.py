from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ParticipantStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("participant status", "Confirmed")
    WAITING = "waiting", pgettext_lazy("participant status", "Waiting list")
    OFFERED = "offered", pgettext_lazy("participant status", "Offered a seat")
    CANCELLED = "cancelled", pgettext_lazy("participant status", "Cancelled")
    SUBSTITUTED = "substituted", pgettext_lazy("participant status", "Handed over")


ACTIVE_STATUSES = (
    ParticipantStatus.CONFIRMED,
    ParticipantStatus.WAITING,
    ParticipantStatus.OFFERED,
)


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    YES_NO = "yes_no", _("Yes or no")


class ChangeAction(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("Joined the waiting list")
    PROMOTED = "promoted", _("Moved up from the waiting list")
    OFFERED = "offered", _("Offered a seat")
    OFFER_ACCEPTED = "offer_accepted", _("Accepted the offered seat")
    OFFER_DECLINED = "offer_declined", _("Declined the offered seat")
    OFFER_EXPIRED = "offer_expired", _("Offer expired unanswered")
    EDITED = "edited", _("Details changed")
    CANCELLED = "cancelled", _("Cancelled")
    SUBSTITUTED = "substituted", _("Seat handed over")
    SUBSTITUTE = "substitute", _("Took over a seat")
    RESENT = "resent", _("Confirmation sent again")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECK_IN_UNDONE = "check_in_undone", _("Check-in undone")
    PRICE_CHANGED = "price_changed", _("Price changed")
    LISTING = "listing", _("Participant list consent changed")


class PayerKind(models.TextChoices):
    PUBLIC = "public", _("A public body (EAN number)")
    COMPANY = "company", _("A company or institution (CVR number)")
    PERSON = "person", _("The participant personally")


class Membership(models.TextChoices):
    NONE = "", _("No member price")
    VERIFIED = "verified", _("Member price, verified")
    CLAIMED = "claimed", _("Member price claimed, not verified")
    APPROVED = "approved", _("Member price approved by staff")
