"""Entering the programme inline on the event: 20–40 rows, checked together."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.events import selectors, signals
from tilmeld.events.models import Event, Session, Speaker


class SessionForm(forms.ModelForm):
    """Says "end before start" in words, before the database constraint would."""

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


class SessionFormSet(forms.BaseInlineFormSet):
    """Refuses sessions outside the event, overlaps in one room, and seats beyond capacity."""

    def clean(self):
        super().clean()
        event = self.instance
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        sessions = []
        for form in kept:
            data = form.cleaned_data
            start, end = data.get("starts_at"), data.get("ends_at")
            if not (start and end):
                continue
            if end <= start:
                continue  # SessionForm has said so
            if (
                event.starts_at
                and event.ends_at
                and (start < event.starts_at or end > event.ends_at)
            ):
                form.add_error("starts_at", _("The session must lie within the event's time."))
            seats = data.get("capacity")
            if seats and event.capacity and seats > event.capacity:
                form.add_error(
                    "capacity",
                    _("A session cannot have more seats (%(seats)d) than the event (%(event)d).")
                    % {"seats": seats, "event": event.capacity},
                )
            sessions.append(
                (form, Session(starts_at=start, ends_at=end, room=data.get("room", "")))
            )
        for i, (form, session) in enumerate(sessions):
            for other_form, other in sessions[:i]:
                same_room = session.room and session.room.casefold() == other.room.casefold()
                if same_room and session.overlaps(other):
                    form.add_error(
                        "room",
                        _("%(room)s already has “%(title)s” at that time.")
                        % {"room": session.room, "title": other_form.cleaned_data.get("title_da")},
                    )
        if any(form.errors for form in kept):
            raise ValidationError(_("Please correct the programme below."))


class SessionInline(TranslationTabularInline):
    model = Session
    form = SessionForm
    formset = SessionFormSet
    extra = 0
    fields = [
        "starts_at",
        "ends_at",
        "title",
        "kind",
        "room",
        "speakers",
        "capacity",
        "description",
    ]
    autocomplete_fields = ["speakers"]
    add_another_label = gettext_lazy("Add another session")
    ordering = ["starts_at", "room"]
    formfield_overrides = {
        Session._meta.get_field("description").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 30})
        }
    }


class ShownOnEventsMixin:
    """For what events show (venues, organisations, speakers): saving it changes the events
    not yet over that show it, as saving them would (the `saved` signal: event.changed)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            for event in selectors.events_showing(form.instance):
                signals.saved.send(sender=Event, event=event, created=False)


@admin.register(Speaker)
class SpeakerAdmin(ShownOnEventsMixin, SafeChangeListMixin, TranslationAdmin):
    list_display = ["name", "job_title", "organisation"]
    search_fields = ["name", "organisation", "job_title_da"]
