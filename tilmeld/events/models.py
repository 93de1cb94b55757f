from urllib.parse import quote_plus

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tilmeld.core.publishing import Publishable, PublishableQuerySet
from tilmeld.core.uploads import validate_image, validate_pdf
from tilmeld.events.enums import RegistrationState, VatMode, WaitingListMode


class Organisation(models.Model):
    """An organiser, co-organiser or a participant's employer."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(_("website"), blank=True)
    logo = models.FileField(
        _("logo"), upload_to="organisations/", blank=True, validators=[validate_image]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    map_url = models.URLField(
        _("map link"), blank=True, help_text=_("Empty: a map search for the address.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return self.name

    @property
    def address(self) -> str:
        town = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.street, town) if part)

    @property
    def map_link(self) -> str:
        if self.map_url:
            return self.map_url
        query = ", ".join(part for part in (self.name, self.address) if part)
        return f"https://www.openstreetmap.org/search?query={quote_plus(query)}"


class EventQuerySet(PublishableQuerySet):
    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "id")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-id")


class Event(Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=200, unique=True)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Shown in lists. Empty: the first lines of the text.")
    )
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    audience = models.TextField(_("audience"), blank=True, help_text=_("Who the event is for."))
    image = models.FileField(
        _("image"), upload_to="events/", blank=True, validators=[validate_image]
    )
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
    )
    co_organisers = models.ManyToManyField(
        Organisation,
        verbose_name=_("co-organisers"),
        through="CoOrganiser",
        blank=True,
        related_name="co_organised_events",
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("For questions about registration. Empty: the association's address."),
    )
    programme_file = models.FileField(
        _("programme (PDF)"), upload_to="programmes/", blank=True, validators=[validate_pdf]
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: no registration.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: when the event starts."),
    )
    binding_at = models.DateTimeField(
        _("binding from"),
        null=True,
        blank=True,
        help_text=_("After this time registrations can no longer be cancelled free of charge."),
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Number of seats. Empty: no limit.")
    )
    waiting_list_enabled = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When full, new registrations join a waiting list. Unticked: sold out."),
    )
    waiting_list_mode = models.CharField(
        _("when a seat frees up"),
        max_length=10,
        choices=WaitingListMode.choices,
        default=WaitingListMode.OFFER,
        help_text=_(
            "After the binding date a freed seat is always offered: nobody is moved into a binding"
            " registration they did not accept."
        ),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to answer an offer"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(336)],
        help_text=_(
            "Shortened so that an offer never runs past the start. No offer is made in the last"
            " two hours before the start."
        ),
    )
    show_seats_left = models.BooleanField(_("show seats left"), default=False)
    substitution_allowed = models.BooleanField(
        _("substitution allowed"),
        default=True,
        help_text=_("A participant may hand the seat to a colleague until the event starts."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before"),
        null=True,
        blank=True,
        default=2,
        help_text=_(
            "Confirmed participants get a reminder by mail this many days before. "
            "Empty: no reminder."
        ),
    )
    max_booking_size = models.PositiveSmallIntegerField(
        _("participants per booking"),
        default=20,
        help_text=_("The most participants one person may register at once."),
    )
    vat_mode = models.CharField(
        _("VAT"),
        max_length=10,
        choices=VatMode.choices,
        default=VatMode.INCLUDED,
        help_text=_("How the prices of this event are entered, and whether VAT is charged."),
    )
    vat_exemption_reason = models.CharField(
        _("legal basis of the VAT exemption"),
        max_length=300,
        blank=True,
        help_text=_(
            "Printed on every invoice of an exempt event, e.g. »Momsfritaget, jf. momslovens"
            " § 13, stk. 1, nr. 3«."
        ),
    )
    invoicing_held = models.BooleanField(
        _("hold invoicing"),
        default=False,
        help_text=_(
            "Invoices are not issued on confirmation; staff issue them by hand from the"
            " booking list."
        ),
    )
    # When its participants' details are anonymised: tilmeld.privacy.retention owns the rule.
    retention_months = models.PositiveSmallIntegerField(
        _("keep participants' details, months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("After the event ends. Empty: the site's period (site settings)."),
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["is_published", "ends_at"]),
            models.Index(fields=["starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__lte=F("ends_at")),
                name="event_registration_closes_before_end",
            ),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        closes = self.registration_closes_at
        if closes and self.ends_at and closes > self.ends_at:
            errors["registration_closes_at"] = _("Registration cannot close after the event ends.")
        opens = self.registration_opens_at
        if opens and closes and closes < opens:
            errors["registration_closes_at"] = _("Registration cannot close before it opens.")
        if self.binding_at and self.ends_at and self.binding_at > self.ends_at:
            errors["binding_at"] = _("The binding date must be before the event ends.")
        if self.vat_mode == VatMode.EXEMPT and not (self.vat_exemption_reason or "").strip():
            errors["vat_exemption_reason"] = _(
                "An exempt event's invoices must state the legal basis of the exemption."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def registration_ends_at(self):
        return self.registration_closes_at or self.starts_at

    def registration_state(self, now=None) -> RegistrationState:
        """The state from the dates alone; seat counts may turn OPEN into FULL elsewhere."""
        now = now or timezone.now()
        if self.is_cancelled:
            return RegistrationState.CANCELLED
        if self.registration_opens_at is None:
            return RegistrationState.NONE
        if now < self.registration_opens_at:
            return RegistrationState.NOT_YET_OPEN
        if now >= self.registration_ends_at:
            return RegistrationState.CLOSED
        return RegistrationState.OPEN

    def is_binding(self, now=None) -> bool:
        return self.binding_at is not None and (now or timezone.now()) >= self.binding_at

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()


class CoOrganiser(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="co_organiser_links")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="co_organiser_once")
        ]
        verbose_name = _("co-organiser")
        verbose_name_plural = _("co-organisers")

    def __str__(self):
        return str(self.organisation)


from tilmeld.events.programme import Session, SessionKind, Speaker  # noqa: E402

__all__ = ["CoOrganiser", "Event", "Organisation", "Session", "SessionKind", "Speaker", "Venue"]
