"""What "published" means, shared by news articles and events."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(is_published=True, published_at__lte=now or timezone.now())

    def next_publication(self, now=None):
        """The next instant one of these, scheduled, becomes public (None: none scheduled)."""
        scheduled = self.filter(is_published=True, published_at__gt=now or timezone.now())
        return scheduled.aggregate(at=models.Min("published_at"))["at"]


class Publishable(models.Model):
    """Visible to the public once marked published and its publication time has come."""

    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Unticked: a draft only staff can preview."),
    )
    published_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        help_text=_("A time in the future schedules the publication."),
    )
    byline = models.CharField(
        _("written by"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the association's name."),
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def publication_state(self) -> PublicationState:
        if not self.is_published:
            return PublicationState.DRAFT
        if self.published_at > timezone.now():
            return PublicationState.SCHEDULED
        return PublicationState.PUBLISHED
