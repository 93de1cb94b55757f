import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tilmeld.core import dates
from tilmeld.core.labels import labelled
from tilmeld.core.models import PageVersion
from tilmeld.events.models import Event, Session
from tilmeld.pricing.models import MemberOrganisation, Option, Price
from tilmeld.registrations.enums import (
    ACTIVE_STATUSES,
    ChangeAction,
    Membership,
    ParticipantStatus,
    PayerKind,
    QuestionKind,
)


def new_token() -> str:
    """A manage-link secret: 192 random bits."""
    return secrets.token_urlsafe(24)


class SeatCount(models.Model):
    """The running seat totals of one event. Its row is the lock every seat decision takes."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="seat_count"
    )
    confirmed = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    offered = models.PositiveIntegerField(default=0)  # seats held for open offers
    waiting_sequence = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("seat count")
        verbose_name_plural = _("seat counts")

    def __str__(self):
        return f"{self.event_id}: {self.confirmed}+{self.offered}+{self.waiting}"


class Question(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_(
            "One per line, for choice questions. The English lines translate the Danish ones"
            " in the same order; answers are stored in Danish."
        ),
    )
    required = models.BooleanField(_("required"), default=False)
    sensitive = models.BooleanField(
        _("diet or health"),
        default=False,
        help_text=_("Always optional, and shown only to staff."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text

    @property
    def choice_list(self) -> list[str]:
        """The stored values: the Danish lines, whatever language the form was in."""
        return _lines(self.choices_da or "")

    @property
    def choice_options(self) -> list[tuple[str, str]]:
        """(stored value, label in the current language); a missing translation shows Danish."""
        values, labels = self.choice_list, _lines(self.choices or "")
        return [(v, labels[i] if i < len(labels) else v) for i, v in enumerate(values)]

    def choice_label(self, value: str) -> str:
        return dict(self.choice_options).get(value, value)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Booking(models.Model):
    """One submission of the registration form, by a booker, for one or more participants."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="bookings"
    )
    booker_name = models.CharField(_("booker"), max_length=200)
    booker_email = models.EmailField(_("booker's e-mail"))
    booker_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    booker_phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=5, default="da", choices=settings.LANGUAGES
    )
    form_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    manage_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # What the booker accepted when sending the form (services.booking.register); all empty
    # for a booking staff made.
    privacy_version = models.ForeignKey(
        PageVersion,
        verbose_name=_("privacy policy accepted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    terms_version = models.ForeignKey(
        PageVersion,
        verbose_name=_("registration terms accepted"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    terms_accepted_at = models.DateTimeField(_("terms accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self):
        return f"{self.booker_name} ({self.event})"

    def get_manage_url(self):
        return reverse("registrations:booking", kwargs={"token": self.manage_token})


class Payer(models.Model):
    """Who pays for a booking of a priced event: one payer for all its participants. A public
    body is invoiced electronically at its EAN location number, with the order number and
    person reference its bookkeeping asks for; the others get the invoice PDF by mail."""

    booking = models.OneToOneField(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="payer"
    )
    kind = models.CharField(_("who pays"), max_length=10, choices=PayerKind.choices)
    name = models.CharField(_("name on the invoice"), max_length=300)
    gln = models.CharField(_("EAN number"), max_length=13, blank=True)
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True)
    order_reference = models.CharField(_("order number"), max_length=50, blank=True)
    person_reference = models.CharField(_("person reference"), max_length=50, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("invoice e-mail"), blank=True)
    member_organisation = models.ForeignKey(
        MemberOrganisation,
        verbose_name=_("member organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payers",
    )
    membership = models.CharField(
        _("member price"), max_length=10, choices=Membership.choices, blank=True, default=""
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="public") | Q(gln__regex=r"^57[0-9]{11}$"),
                name="payer_public_body_has_ean",
            ),
            models.CheckConstraint(
                condition=~Q(kind="company") | Q(cvr__regex=r"^[0-9]{8}$"),
                name="payer_company_has_cvr",
            ),
        ]
        verbose_name = _("payer")
        verbose_name_plural = _("payers")

    def __str__(self):
        return self.name

    @property
    def needs_approval(self) -> bool:
        return self.membership == Membership.CLAIMED


class Participant(models.Model):
    """One person holding (or waiting for) one seat."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="participants"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="participants"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The participant's own consent (services.changes.set_listing); the list shows only
    # confirmed participants who gave it.
    in_participant_list = models.BooleanField(_("shown in the participant list"), default=False)
    language = models.CharField(
        _("language"), max_length=5, default="da", choices=settings.LANGUAGES
    )
    status = models.CharField(_("status"), max_length=12, choices=ParticipantStatus.choices)
    # The order of the waiting list, not the place in it (see selectors.waiting_position).
    waiting_position = models.PositiveBigIntegerField(
        _("waiting order"), null=True, blank=True, editable=False
    )
    offer_expires_at = models.DateTimeField(_("answer offer by"), null=True, blank=True)
    manage_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("took over from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    price = models.ForeignKey(
        Price,
        verbose_name=_("price"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participants",
    )
    # What the seat costs this participant, as entered (with or without VAT: event.vat_mode),
    # fixed at registration (early-bird included) and changed only by staff.
    price_amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The waiting list in order, and the admin's participant list (its ordering), a
            # page of it read without sorting all of a big event's rows.
            models.Index(
                fields=["event", "status", "waiting_position", "created_at", "id"],
                name="participant_list_order",
            ),
            models.Index(Lower("name"), name="participant_name_lower"),
            # The confirmed of an event, for the staff dashboard: who is coming from which
            # organisation, who arrived, what they answered, read from this index alone (the
            # id is included on PostgreSQL) instead of every row of a big event.
            models.Index(
                fields=["event", "organisation"],
                include=["id"],
                condition=Q(status="confirmed"),
                name="participant_confirmed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=Q(status__in=["confirmed", "waiting", "offered"]),
                name="participant_email_once_per_event",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", waiting_position__isnull=False)
                | ~Q(status="waiting"),
                name="participant_waiting_has_position",
            ),
            models.CheckConstraint(
                condition=Q(status="offered", offer_expires_at__isnull=False)
                | ~Q(status="offered"),
                name="participant_offer_has_deadline",
            ),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def get_manage_url(self):
        return reverse("registrations:manage", kwargs={"token": self.manage_token})

    def get_offer_url(self):
        return reverse("registrations:offer", kwargs={"token": self.manage_token})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Answer(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.JSONField(_("answer"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "question"], name="answer_once")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return labelled(self.question, self.display)

    @property
    def display(self) -> str:
        if isinstance(self.value, list):
            return ", ".join(self.value)
        if isinstance(self.value, bool):
            return str(_("Yes") if self.value else _("No"))
        return str(self.value)


class ParticipantChange(models.Model):
    """The history of a participant: who changed what, when, from which value to which."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=20, choices=ChangeAction.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by staff"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    by_participant = models.BooleanField(_("by the participant"), default=False)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("change")
        verbose_name_plural = _("history")

    def __str__(self):
        return f"{dates.datetime_text(self.at)}: {self.get_action_display()}"


class SessionSeats(models.Model):
    """Seats taken in one session with a seat limit; its row is that session's lock."""

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, primary_key=True, related_name="seats"
    )
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("session seats")
        verbose_name_plural = _("session seats")

    def __str__(self):
        return f"{self.session_id}: {self.taken}"


class SessionChoice(models.Model):
    """A participant's choice of a parallel session. Holds a seat while the participant does;
    on the waiting list it is a wish, honoured on promotion when the session still has room."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="session_choices"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="choices"
    )
    holds_seat = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "session"], name="session_choice_once")
        ]
        verbose_name = _("session choice")
        verbose_name_plural = _("session choices")

    def __str__(self):
        return f"{self.participant} → {self.session}"


class CheckIn(models.Model):
    """A participant's arrival at the event. One row per participant at most, so two door staff
    checking in the same person at once record one arrival; undoing deletes the row (the
    participant's history keeps both steps)."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="check_in"
    )
    checked_in_at = models.DateTimeField(_("checked in"), auto_now_add=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by staff"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["checked_in_at", "id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return f"{self.participant_id} {self.checked_in_at:%Y-%m-%d %H:%M}"


class ParticipantOption(models.Model):
    """A priced option a participant chose, at the amount it had then."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="chosen_options"
    )
    option = models.ForeignKey(
        Option, verbose_name=_("option"), on_delete=models.PROTECT, related_name="choices"
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "option"], name="option_chosen_once")
        ]
        verbose_name = _("chosen option")
        verbose_name_plural = _("chosen options")

    def __str__(self):
        return f"{self.participant_id}: {self.option}"
