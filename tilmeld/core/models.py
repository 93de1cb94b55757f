from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tilmeld.core.uploads import validate_image


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

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="site_settings_single")
        ]

    def __str__(self):
        return self.name


class Page(models.Model):
    """A simple page staff edit: privacy policy, registration terms, accessibility statement."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    in_footer = models.BooleanField(_("link in footer"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("page", kwargs={"slug": self.slug})
