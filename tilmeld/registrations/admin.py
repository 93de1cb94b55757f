from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.messages import WARNING
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Count, F, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from modeltranslation.admin import TranslationStackedInline

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.events.admin import CoOrganiserInline, EventAdmin
from tilmeld.events.admin_programme import SessionInline
from tilmeld.events.models import Event
from tilmeld.registrations.admin_forms import ParticipantAdminForm, StaffRegistrationForm
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.exceptions import AlreadyRegistered, RegistrationError
from tilmeld.registrations.exports import participants_csv
from tilmeld.registrations.forms import SessionChangeForm, SubstituteForm
from tilmeld.registrations.models import (
    Answer,
    Participant,
    ParticipantChange,
    Question,
    SessionChoice,
)
from tilmeld.registrations.selectors import chosen_sessions, form_options
from tilmeld.registrations.services import changes
from tilmeld.registrations.services.booking import Booker, register
from tilmeld.registrations.services.sessions import choice_slots
from tilmeld.registrations.tasks import schedule_reminders


class SessionWithSeatsInline(SessionInline):
    fields = [*SessionInline.fields, "seats_taken"]
    readonly_fields = ["seats_taken"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seats")

    @admin.display(description=_("seats taken"))
    def seats_taken(self, obj):
        taken = obj.seats.taken if obj.capacity and hasattr(obj, "seats") else 0
        return f"{taken} / {obj.capacity}" if obj.capacity else "–"


class QuestionInline(TranslationStackedInline):
    """Each question with its Danish and English text side by side."""

    model = Question
    extra = 0
    fields = [
        ("text_da", "text_en"),
        ("kind", "position", "required", "sensitive"),
        ("choices_da", "choices_en"),
        ("help_text_da", "help_text_en"),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4})}}


admin.site.unregister(Event)


@admin.register(Event)
class EventWithRegistrationsAdmin(EventAdmin):
    inlines = [CoOrganiserInline, SessionWithSeatsInline, QuestionInline]
    list_display = [*EventAdmin.list_display, "seats", "waiting"]
    list_select_related = ["venue", "seat_count"]

    @admin.display(description=_("confirmed"))
    def seats(self, obj):
        confirmed = obj.seat_count.confirmed if hasattr(obj, "seat_count") else 0
        return f"{confirmed} / {obj.capacity}" if obj.capacity else str(confirmed)

    @admin.display(description=_("waiting list"))
    def waiting(self, obj):
        return obj.seat_count.waiting if hasattr(obj, "seat_count") else 0

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        schedule_reminders(form.instance)
        promoted = changes.promote_from_waiting_list(form.instance, by=request.user)
        if promoted:
            names = ", ".join(p.name for p in promoted)
            self.message_user(
                request, _("Moved up from the waiting list: %(names)s") % {"names": names}
            )


def _chosen_event(request) -> Event | None:
    raw = request.POST.get("event") or request.GET.get("event") or ""
    return Event.objects.filter(pk=raw).first() if raw.isascii() and raw.isdigit() else None


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    readonly_fields = ["question", "answer"]
    fields = ["question", "answer"]

    @admin.display(description=_("answer"))
    def answer(self, obj):
        return obj.display

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant", "question")

    def has_add_permission(self, request, obj=None):
        return False


class SessionChoiceInline(admin.TabularInline):
    model = SessionChoice
    extra = 0
    can_delete = False
    fields = readonly_fields = ["session", "seat"]
    verbose_name_plural = _("sessions")

    @admin.display(description=_("seat"), boolean=True)
    def seat(self, obj):
        return obj.holds_seat

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant", "session")

    def has_add_permission(self, request, obj=None):
        return False  # changed through "Change sessions", which keeps the seat counts


def _field_name(field: str) -> str:
    """A history entry's field as staff know it: the participant's field, or a session."""
    if field.startswith("session"):  # "session", or "session 13.15" in parallel slots
        return capfirst(_("session")) + field.removeprefix("session")
    try:
        return capfirst(Participant._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


class ChangeInline(admin.TabularInline):
    model = ParticipantChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "by_user", "by_participant", "what_changed", "note"]
    fields = readonly_fields

    @admin.display(description=_("changes"))
    def what_changed(self, obj):
        statuses = dict(ParticipantStatus.choices)
        lines = []
        for field, values in obj.changes.items():
            before, after = (statuses.get(v, v) if field == "status" else v for v in values)
            lines.append(f"{_field_name(field)}: {before or '–'} → {after or '–'}")
        return "; ".join(lines) or "–"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "organisation",
        "event",
        "status",
        "queue_place",
        "created_at",
    ]
    list_filter = [
        "status",
        "event",
        ("session_choices__session", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "email", "organisation", "job_title"]
    list_select_related = ["event"]
    ordering = ["event", "status", F("waiting_position").asc(nulls_last=True), "created_at"]
    fields = [
        "event",
        "booking",
        "name",
        "email",
        "organisation",
        "job_title",
        "phone",
        "language",
        "status",
        "replaces",
        "manage_link",
    ]
    readonly_fields = ["event", "booking", "status", "replaces", "language", "manage_link"]
    form = ParticipantAdminForm
    inlines = [SessionChoiceInline, AnswerInline, ChangeInline]
    actions = ["cancel_selected", "promote_selected", "resend_selected", "export_csv"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # staff add through "Register a participant", which applies the rules

    def get_queryset(self, request):
        # The place in the queue as the participant sees it: the waiting ahead, plus one.
        ahead = (
            Participant.objects.filter(
                event=OuterRef("event"),
                status=ParticipantStatus.WAITING,
                waiting_position__lt=OuterRef("waiting_position"),
            )
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(ahead=Subquery(ahead))

    @admin.display(description=_("place in the queue"), ordering="waiting_position")
    def queue_place(self, obj):
        if obj.status != ParticipantStatus.WAITING:
            return "–"
        return (obj.ahead or 0) + 1

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would bypass the seat counters: cancel instead

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not request.user.has_perm("registrations.change_participant"):
            fields = [f for f in fields if f != "manage_link"]  # the link acts as the participant
        return fields

    @admin.display(description=_("manage link"))
    def manage_link(self, obj):
        if not obj.is_active:
            return "–"
        with translation.override(obj.language):  # as the participant's mail has it
            url = settings.SITE_URL + obj.get_manage_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request, obj, form, change):
        from tilmeld.registrations.services.booking import Person

        person = Person(**{name: form.cleaned_data[name] for name in changes.DETAIL_FIELDS})
        try:
            changes.update_participant(obj, person, by=request.user)
        except RegistrationError as error:
            self.message_user(request, error.message, messages.ERROR)

    def get_urls(self):
        return [
            path(
                "register/",
                self.admin_site.admin_view(self.register_view),
                name="registrations_participant_register",
            ),
            path(
                "<int:pk>/substitute/",
                self.admin_site.admin_view(self.substitute_view),
                name="registrations_participant_substitute",
            ),
            path(
                "<int:pk>/sessions/",
                self.admin_site.admin_view(self.sessions_view),
                name="registrations_participant_sessions",
            ),
            *super().get_urls(),
        ]

    def _run(self, request, queryset, action, done_message):
        done = 0
        for participant in queryset.select_related("event"):
            try:
                action(participant)
                done += 1
            except RegistrationError as error:
                self.message_user(request, f"{participant.name}: {error.message}", messages.WARNING)
        if done:
            self.message_user(request, done_message % {"count": done})

    @admin.action(description=_("Cancel the selected registrations"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda p: changes.cancel_registration(p, by=request.user),
            _("%(count)d cancelled."),
        )

    @admin.action(
        description=_("Move the selected up from the waiting list"), permissions=["change"]
    )
    def promote_selected(self, request, queryset):
        """An explicit override: it may pass over people ahead in the queue and fill beyond
        the capacity, and says so when it did."""
        chosen = list(queryset.filter(status=ParticipantStatus.WAITING).select_related("event"))
        ids = [p.pk for p in chosen]
        passed_over = {
            name: None
            for p in chosen
            for name in Participant.objects.filter(
                event=p.event_id,
                status=ParticipantStatus.WAITING,
                waiting_position__lt=p.waiting_position,
            )
            .exclude(pk__in=ids)
            .order_by("waiting_position")
            .values_list("name", flat=True)
        }
        self._run(
            request,
            queryset,
            lambda p: changes.promote_participant(p, by=request.user),
            _("%(count)d moved up."),
        )
        if passed_over:
            names = ", ".join(passed_over)
            self.message_user(
                request, _("Passed over in the queue: %(names)s.") % {"names": names}, WARNING
            )
        for event in {p.event for p in chosen}:
            confirmed = event.participants.filter(status=ParticipantStatus.CONFIRMED).count()
            if event.capacity is not None and confirmed > event.capacity:
                numbers = {"confirmed": confirmed, "capacity": event.capacity}
                self.message_user(
                    request, _("%(confirmed)d confirmed for %(capacity)d seats.") % numbers, WARNING
                )

    @admin.action(description=_("Send the confirmation again"), permissions=["change"])
    def resend_selected(self, request, queryset):
        self._run(
            request,
            queryset.filter(status__in=["confirmed", "waiting"]),
            lambda p: changes.resend_confirmation(p, by=request.user),
            _("%(count)d sent again."),
        )

    @admin.action(description=_("Export the selected as a spreadsheet (CSV)"))
    def export_csv(self, request, queryset):
        rows = queryset.prefetch_related("session_choices__session").order_by("name")
        response = HttpResponse(participants_csv(rows), content_type="text/csv; charset=utf-8")
        stem = pgettext("file name", "participants")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response

    def register_view(self, request):
        if not request.user.has_perm("registrations.change_participant"):
            raise PermissionDenied
        event = _chosen_event(request)
        options = form_options(event, staff=True) if event else {}
        shown = {"shown_for": event.pk if event else None}
        form = StaffRegistrationForm(
            request.POST or None, initial={"event": event, **shown}, **options
        )
        unseen = options and (options["questions"] or options["slots"])
        if request.method == "POST" and unseen and request.POST.get("shown_for") != str(event.pk):
            # The event was picked just now: its questions and sessions come first.
            form = StaffRegistrationForm(initial={**request.POST.dict(), **shown}, **options)
            self.message_user(
                request,
                _("Answer the event's questions and choose sessions, then register."),
                messages.INFO,
            )
        elif request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            person = form.person()
            try:
                booking = register(
                    data["event"],
                    # The participant books for themselves: their mail has the one manage
                    # link, and no booking summary goes to staff. The history names the staff.
                    booker=Booker(person.name, person.email, person.organisation, person.phone),
                    people=[person],
                    language=data["language"],
                    by=request.user,
                    override_capacity=data["override_capacity"],
                )
            except AlreadyRegistered:
                # Said plainly to staff; no reminder is mailed from here.
                form.add_error("email", _("This address is already registered for the event."))
            except RegistrationError as error:
                form.add_error(None, error.message)
            else:
                participant = booking.participants.get()
                status = participant.get_status_display()
                self.message_user(
                    request,
                    _("%(name)s is registered: %(status)s.")
                    % {"name": participant.name, "status": status},
                )
                return redirect(
                    reverse("admin:registrations_participant_change", args=[participant.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Register a participant"),
            "opts": self.model._meta,
            "submit_label": _("Register"),
        }
        return TemplateResponse(request, "admin/registrations/staff_form.html", context)

    def substitute_view(self, request, pk):
        if not request.user.has_perm("registrations.change_participant"):
            raise PermissionDenied
        participant = get_object_or_404(Participant.objects.select_related("event"), pk=pk)
        form = SubstituteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                new = changes.substitute_participant(participant, form.person(), by=request.user)
            except RegistrationError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    _("%(old)s's seat now belongs to %(new)s.")
                    % {"old": participant.name, "new": new.name},
                )
                return redirect(reverse("admin:registrations_participant_change", args=[new.pk]))
        title = _("Hand over %(name)s's seat") % {"name": participant.name}
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": title,
            "opts": self.model._meta,
            "participant": participant,
        }
        return TemplateResponse(request, "admin/registrations/staff_form.html", context)

    def sessions_view(self, request, pk):
        """Staff choose a participant's sessions as the participant would on the manage page:
        one per parallel slot, within the seats left (their own seat counts as free)."""
        if not request.user.has_perm("registrations.change_participant"):
            raise PermissionDenied
        participant = get_object_or_404(Participant.objects.select_related("event"), pk=pk)
        options = form_options(participant.event, staff=True)
        chosen = chosen_sessions(participant)
        form = SessionChangeForm(
            request.POST or None,
            slots=options["slots"],
            seats_left=options["seats_left"],
            current=list(chosen),
            held=[pk for pk, choice in chosen.items() if choice.holds_seat],
            mine=False,  # staff read the form: no "your seat"
        )
        back = reverse("admin:registrations_participant_change", args=[participant.pk])
        if not options["slots"] or not participant.is_active:
            return redirect(back)
        if request.method == "POST" and form.is_valid():
            try:
                changes.change_sessions(participant, form.chosen(), by=request.user)
            except RegistrationError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, _("The sessions have been saved."))
                return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Sessions for %(name)s") % {"name": participant.name},
            "opts": self.model._meta,
            "participant": participant,
        }
        return TemplateResponse(request, "admin/registrations/staff_form.html", context)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.status in (
            ParticipantStatus.CONFIRMED,
            ParticipantStatus.WAITING,
        ):
            context["substitute_url"] = reverse(
                "admin:registrations_participant_substitute", args=[obj.pk]
            )
            if choice_slots(obj.event):
                context["sessions_url"] = reverse(
                    "admin:registrations_participant_sessions", args=[obj.pk]
                )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "register_url": reverse("admin:registrations_participant_register"),
        }
        return super().changelist_view(request, extra_context)
