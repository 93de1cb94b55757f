"""What a seat and an option cost, and who is a member.

Amounts are Decimal kroner with øre, as staff enter them: including or excluding VAT as the
event's `vat_mode` says (pricing.rules turns them into invoice lines)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tilmeld.core.dates import local
from tilmeld.core.identifiers import clean_cvr, clean_gln
from tilmeld.events.models import Event

LARGEST_PRICE = Decimal("1000000.00")


def _amount(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=10,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal(0), message=_("A price cannot be negative.")),
            MaxValueValidator(LARGEST_PRICE, message=_("A price can be at most 1.000.000,00 kr.")),
        ],
        **kwargs,
    )


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class MemberOrganisation(models.Model):
    """A member of the association: its price is the member price."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True)
    ean_numbers = models.TextField(
        _("EAN numbers"), blank=True, help_text=_("One 13-digit location number per line.")
    )
    email_domains = models.TextField(
        _("e-mail domains"),
        blank=True,
        help_text=_(
            "One per line, e.g. aarhus.dk. A booker with an address at one of them gets the"
            " member price without further checks."
        ),
    )
    member_from = models.DateField(_("member from"), null=True, blank=True)
    member_until = models.DateField(_("member until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.cvr:
            try:
                self.cvr = clean_cvr(self.cvr)
            except ValidationError as error:
                errors["cvr"] = error
        cleaned = []
        for number in lines(self.ean_numbers):
            try:
                cleaned.append(clean_gln(number))
            except ValidationError as error:
                errors["ean_numbers"] = ValidationError(
                    _("%(number)s: %(error)s") % {"number": number, "error": error.messages[0]}
                )
                break
        self.ean_numbers = "\n".join(cleaned)
        domains = [d.lower().lstrip("@") for d in lines(self.email_domains)]
        if bad := [d for d in domains if "." not in d or " " in d or "@" in d]:
            errors["email_domains"] = _("Not an e-mail domain: %(domain)s") % {"domain": bad[0]}
        self.email_domains = "\n".join(domains)
        if self.member_from and self.member_until and self.member_until < self.member_from:
            errors["member_until"] = _("Membership cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def domains(self) -> list[str]:
        return lines(self.email_domains)

    @property
    def eans(self) -> list[str]:
        return lines(self.ean_numbers)

    def is_member_on(self, day) -> bool:
        return (self.member_from is None or self.member_from <= day) and (
            self.member_until is None or day <= self.member_until
        )


class Price(models.Model):
    """One price of an event's seat, e.g. »Medlem 1.995 kr.«; early-bird until a date."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="prices"
    )
    name = models.CharField(_("name"), max_length=100)
    amount = _amount(_("price"))
    early_amount = _amount(_("early-bird price"), null=True, blank=True)
    early_until = models.DateField(
        _("early-bird until"),
        null=True,
        blank=True,
        help_text=_("The last day the early-bird price applies."),
    )
    limit = models.PositiveIntegerField(
        _("limit"), null=True, blank=True, help_text=_("At most this many seats at this price.")
    )
    members_only = models.BooleanField(
        _("members only"),
        default=False,
        help_text=_("For people from a member organisation."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(early_amount__isnull=True) | Q(early_until__isnull=False),
                name="price_early_bird_has_date",
            ),
        ]
        verbose_name = _("price")
        verbose_name_plural = _("prices")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.early_amount is not None and self.early_until is None:
            errors["early_until"] = _("Give the last day of the early-bird price.")
        if self.early_until and self.early_amount is None:
            errors["early_amount"] = _("Give the early-bird price.")
        # The admin's inline checks a price of an event not saved yet: its event is set, unsaved.
        event = self.event if self.event_id or Price.event.is_cached(self) else None
        if (
            self.early_until
            and event is not None
            and event.starts_at is not None
            and self.early_until >= local(event.starts_at).date()
        ):
            errors["early_until"] = _("The early-bird price must end before the event.")
        if errors:
            raise ValidationError(errors)


class Option(models.Model):
    """A priced add-on a participant may choose, e.g. the conference dinner."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="options"
    )
    name = models.CharField(_("name"), max_length=100)
    amount = _amount(_("price"))
    limit = models.PositiveIntegerField(
        _("limit"), null=True, blank=True, help_text=_("At most this many participants.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.name
