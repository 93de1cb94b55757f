from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
    validate_email,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tilmeld.core.identifiers import clean_cvr
from tilmeld.core.uploads import validate_image


def _is_contact(value: str) -> bool:
    """A mailto: with one valid address, or an https:// URL (RFC 9116 allows no other web)."""
    try:
        if value.startswith("mailto:"):
            validate_email(value.removeprefix("mailto:"))
        else:
            URLValidator(schemes=["https"])(value)
    except ValidationError:
        return False
    return True


class SiteSettings(models.Model):
    """The association behind the site. There is exactly one row (pk=1)."""

    name = models.CharField(_("organisation name"), max_length=200, default="Tilmeld")
    logo = models.FileField(
        _("logo"),
        upload_to="site/",
        blank=True,
        validators=[validate_image],
        help_text=_("PNG, JPEG, WebP or SVG. Empty: the Tilmeld mark."),
    )
    address = models.TextField(_("address"), blank=True)
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)
    # On every invoice: where to pay, and how long the payer has.
    bank_reg = models.CharField(
        _("bank registration number"), max_length=4, blank=True, help_text=_("4 digits.")
    )
    bank_account = models.CharField(
        _("bank account number"), max_length=10, blank=True, help_text=_("Up to 10 digits.")
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    payment_days = models.PositiveSmallIntegerField(_("days to pay an invoice"), default=30)
    # The rule that uses it lives in tilmeld.privacy.retention.
    retention_months = models.PositiveSmallIntegerField(
        _("keep participants' details, months"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "After an event ends, its participants' and bookers' details are kept this many"
            " months, then anonymised by the background worker. An event may set its own period."
            " Invoices are kept unchanged for 5 years after the end of their financial year."
        ),
    )
    fi_creditor = models.CharField(
        _("FI creditor number"),
        max_length=8,
        blank=True,
        help_text=_("8 digits, from the bank: invoices then carry an FI payment line (+71)."),
    )
    # /.well-known/security.txt (RFC 9116): where to report a security problem.
    security_contact = models.CharField(
        _("security contact"),
        max_length=200,
        blank=True,
        help_text=_(
            "An e-mail address or an https:// address for reports of security problems. "
            "Empty: the contact e-mail."
        ),
    )
    security_expires_on = models.DateField(
        _("security.txt valid until"),
        null=True,
        blank=True,
        help_text=_("Renew it before then. Empty: always a year ahead."),
    )
    security_policy_url = models.URLField(
        _("security policy"),
        blank=True,
        help_text=_("Optional: a page on how to report a security problem and what happens next."),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="site_settings_single")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.cvr:
            try:
                self.cvr = clean_cvr(self.cvr)
            except ValidationError as error:
                errors["cvr"] = error
        if self.bank_reg and not (self.bank_reg.isdigit() and len(self.bank_reg) == 4):
            errors["bank_reg"] = _("A registration number has 4 digits.")
        if self.fi_creditor and not (self.fi_creditor.isdigit() and len(self.fi_creditor) == 8):
            errors["fi_creditor"] = _("An FI creditor number has 8 digits.")
        if self.security_contact:
            contact = self.security_contact.strip()
            if "@" in contact and ":" not in contact:
                contact = f"mailto:{contact}"
            if not _is_contact(contact):
                errors["security_contact"] = _(
                    "Give an e-mail address or an address that starts with https://."
                )
            self.security_contact = contact
        if self.bank_account and not self.bank_account.isdigit():
            errors["bank_account"] = _("An account number has only digits.")
        if errors:
            raise ValidationError(errors)


class PageRole(models.TextChoices):
    """The pages a registration accepts: each saved change of their text is a new version."""

    PRIVACY = "privacy", _("Privacy policy")
    TERMS = "terms", _("Registration terms")


class Page(models.Model):
    """A simple page staff edit: privacy policy, registration terms, accessibility statement."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    in_footer = models.BooleanField(_("link in footer"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    role = models.CharField(
        _("accepted at registration as"),
        max_length=10,
        choices=PageRole.choices,
        blank=True,
        default="",
        help_text=_(
            "Every registration records the version of this page the person accepted. Saving a"
            " changed text makes a new version; the earlier ones stay readable."
        ),
    )

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.UniqueConstraint(fields=["role"], condition=~Q(role=""), name="page_role_once")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("page", kwargs={"slug": self.slug})


class PageVersion(models.Model):
    """The text of a privacy policy or registration terms as it was between two changes. Made
    only by core.terms.save_page and never changed afterwards: registrations point at it."""

    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title_da = models.CharField(_("title (Danish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_da = models.TextField(_("text (Danish)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    created_at = models.DateTimeField(_("in force from"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["page_id", "-number"]
        verbose_name = _("page version")
        verbose_name_plural = _("page versions")
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="page_version_once")]

    def __str__(self):
        return _("%(title)s, version %(number)s") % {"title": self.title, "number": self.number}

    def get_absolute_url(self):
        return reverse("page_version", kwargs={"slug": self.page.slug, "number": self.number})

    @property
    def title(self) -> str:
        """In the current language; a missing English text shows the Danish, as pages do."""
        return (get_language() == "en" and self.title_en) or self.title_da

    @property
    def body(self) -> str:
        return (get_language() == "en" and self.body_en) or self.body_da
