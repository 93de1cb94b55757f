from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tilmeld.core.markup import plain_teaser
from tilmeld.core.publishing import Publishable
from tilmeld.core.uploads import validate_image


class Article(Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=200, unique=True)
    teaser = models.TextField(
        _("teaser"), blank=True, help_text=_("Empty: the first lines of the text.")
    )
    body = models.TextField(_("text"), help_text=_("Markdown."))
    image = models.FileField(_("image"), upload_to="news/", blank=True, validators=[validate_image])
    image_alt = models.CharField(
        _("image description"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["is_published", "-published_at"])]
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:detail", kwargs={"slug": self.slug})

    @property
    def teaser_text(self) -> str:
        return self.teaser or plain_teaser(self.body, 30)
