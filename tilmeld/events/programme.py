"""The programme of an event: sessions and the speakers who give them."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tilmeld.core.uploads import validate_image


class SessionKind(models.TextChoices):
    TALK = "talk", _("Talk")
    PANEL = "panel", _("Panel")
    WORKSHOP = "workshop", _("Workshop")
    BREAK = "break", _("Break")
    MEAL = "meal", _("Meal")


class Speaker(models.Model):
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("short bio"), blank=True)
    photo = models.FileField(
        _("photo"), upload_to="speakers/", blank=True, validators=[validate_image]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return f"{self.name}, {self.organisation}" if self.organisation else self.name

    @property
    def role(self) -> str:
        return ", ".join(part for part in (self.job_title, self.organisation) if part)


class Session(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    kind = models.CharField(
        _("kind"), max_length=10, choices=SessionKind.choices, default=SessionKind.TALK
    )
    room = models.CharField(_("room or track"), max_length=100, blank=True)
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("speakers"), blank=True, related_name="sessions"
    )
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("For parallel sessions: participants choose one when they register."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "room", "id"]
        indexes = [models.Index(fields=["event", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            )
        ]
        verbose_name = _("session")
        verbose_name_plural = _("programme")

    def __str__(self):
        return self.title

    @property
    def is_choosable(self) -> bool:
        return self.capacity is not None

    def overlaps(self, other: "Session") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at
