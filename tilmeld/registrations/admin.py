from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.messages import WARNING
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from modeltranslation.admin import TranslationStackedInline

from tilmeld.audit.enums import AuditAction
from tilmeld.audit.services import record_request
from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.core.dates import datetime_text
from tilmeld.events.admin import CoOrganiserInline, EventAdmin
from tilmeld.events.admin_programme import SessionInline
from tilmeld.events.models import Event
from tilmeld.pricing.admin import OptionInline, PriceInline, is_priced
from tilmeld.registrations.admin_forms import ParticipantAdminForm
from tilmeld.registrations.admin_views import StaffParticipantViews
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.exports import participants_csv
from tilmeld.registrations.history_display import change_lines
from tilmeld.registrations.models import (
    Answer,
    Participant,
    ParticipantChange,
    Question,
    SessionChoice,
)
from tilmeld.registrations.selectors import availability
from tilmeld.registrations.services import changes, offers
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
    add_another_label = _("Add another question")
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
    inlines = [CoOrganiserInline, SessionWithSeatsInline, QuestionInline, PriceInline, OptionInline]
    list_display = [*EventAdmin.list_display, "seats", "waiting"]
    list_select_related = ["venue", "seat_count"]

    def get_fieldsets(self, request, obj=None):
        """The VAT and invoicing fields fold away on a free event, as its prices do."""
        if is_priced(obj):
            return super().get_fieldsets(request, obj)
        return [
            (
                name,
                {**options, "classes": ["collapse"]}
                if "vat_exemption_reason" in options["fields"]
                else options,
            )
            for name, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=_("seats"))
    def seats(self, obj):
        """Seats taken: confirmed, plus those held for open offers."""
        counts = obj.seat_count if hasattr(obj, "seat_count") else None
        taken = counts.confirmed + counts.offered if counts else 0
        return f"{taken} / {obj.capacity}" if obj.capacity else str(taken)

    @admin.display(description=_("waiting list"))
    def waiting(self, obj):
        return obj.seat_count.waiting if hasattr(obj, "seat_count") else 0

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        schedule_reminders(form.instance)
        promoted = changes.promote_from_waiting_list(form.instance, by=request.user)
        moved_up = [p.name for p in promoted if p.status == ParticipantStatus.CONFIRMED]
        offered = [p.name for p in promoted if p.status == ParticipantStatus.OFFERED]
        if moved_up:
            names = ", ".join(moved_up)
            self.message_user(
                request, _("Moved up from the waiting list: %(names)s") % {"names": names}
            )
        if offered:
            names = ", ".join(offered)
            self.message_user(
                request, _("Offered a seat from the waiting list: %(names)s") % {"names": names}
            )


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


class ChangeInline(admin.TabularInline):
    model = ParticipantChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "by_user", "by_participant", "what_changed", "note"]
    fields = readonly_fields

    @admin.display(description=_("changes"))
    def what_changed(self, obj):
        return "; ".join(change_lines(obj.changes)) or "–"

    def has_add_permission(self, request, obj=None):
        return False


class ChosenSessionFilter(admin.RelatedFieldListFilter):
    """The sessions someone chose, as RelatedOnlyFieldListFilter offers them, but found by one
    index probe per session instead of a DISTINCT over every participant's choices."""

    def field_choices(self, field, request, model_admin):
        chosen = SessionChoice.objects.filter(session=OuterRef("pk"))
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to=Q(Exists(chosen))
        )


@admin.register(Participant)
class ParticipantAdmin(SafeChangeListMixin, StaffParticipantViews, admin.ModelAdmin):
    # Name, address and organisation in one column: a column each did not fit a laptop's width
    # beside the filters.
    list_display = ["person", "event", "status", "queue_place", "created_at"]
    list_display_links = ["person"]
    list_filter = [
        "status",
        "event",
        ("session_choices__session", ChosenSessionFilter),
    ]
    search_fields = ["name", "email", "organisation", "job_title"]
    list_select_related = ["event"]
    # The order of the index participant_list_order, so a page of a big event is read from it
    # without sorting the event's rows; by event id, not by the event's date, for the same reason.
    ordering = [
        "event_id",
        "status",
        F("waiting_position").asc(nulls_last=True),
        "created_at",
        "id",
    ]
    # No count of every participant of every event beside the filtered count: at 50,000
    # participants each count is a scan of its own.
    show_full_result_count = False
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
        "in_participant_list",
        "terms_accepted",
    ]
    readonly_fields = [
        "event",
        "booking",
        "status",
        "replaces",
        "language",
        "manage_link",
        "in_participant_list",
        "terms_accepted",
    ]
    form = ParticipantAdminForm
    inlines = [SessionChoiceInline, AnswerInline, ChangeInline]
    actions = [
        "cancel_selected",
        "offer_selected",
        "promote_selected",
        "resend_selected",
        "export_csv",
    ]
    # No date_hierarchy: its links cost two scans of the event's rows on every page, and the
    # dashboard shows the registrations per day.

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

    @admin.display(description=_("participant"), ordering="name")
    def person(self, obj):
        organisation = format_html("<br>{}", obj.organisation) if obj.organisation else ""
        return format_html(
            '{}<br><span class="address">{}</span>{}', obj.name, obj.email, organisation
        )

    @admin.display(description=_("place in the queue"), ordering="waiting_position")
    def queue_place(self, obj):
        if obj.status == ParticipantStatus.OFFERED:
            return _("answer by %(deadline)s") % {"deadline": datetime_text(obj.offer_expires_at)}
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

    @admin.display(description=_("terms accepted at registration"))
    def terms_accepted(self, obj):
        booking = obj.booking
        if booking.terms_accepted_at is None:
            return _("None: registered by staff")
        accepted = [v for v in (booking.privacy_version, booking.terms_version) if v is not None]
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((version.get_absolute_url(), str(version)) for version in accepted),
        )
        when = datetime_text(booking.terms_accepted_at)
        return format_html("{} ({})", links or _("No terms pages then"), when)

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
        """Cancelling mails each person and moves the waiting list up, so staff first see
        whom it concerns and confirm, as Django asks before deleting."""
        if request.POST.get("post") != "yes":
            return self._confirm_cancel(request, queryset)
        self._run(
            request,
            queryset,
            lambda p: changes.cancel_registration(p, by=request.user),
            _("%(count)d cancelled."),
        )

    @admin.action(description=_("Offer the selected a seat now"), permissions=["change"])
    def offer_selected(self, request, queryset):
        """An offer ahead of a freed seat: it holds a seat, beyond the capacity if need be."""
        # Read first: the list may be filtered to the waiting list, which they leave now.
        chosen = list(queryset.select_related("event"))
        self._run(
            request,
            queryset,
            lambda p: offers.offer_seat(p, by=request.user),
            _("%(count)d offered a seat."),
        )
        self._warn_beyond_capacity(request, {p.event for p in chosen})

    def _confirm_cancel(self, request, queryset):
        chosen = list(queryset.select_related("event").order_by("event__starts_at", "name"))
        active = [p for p in chosen if p.is_active]
        freed = [p.event for p in active if p.status != ParticipantStatus.WAITING]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel the selected registrations?"),
            "opts": self.model._meta,
            "participants": active,
            "inactive_count": len(chosen) - len(active),
            "waiting_list_moves": any(event.waiting_list_enabled for event in freed),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "back_url": request.get_full_path(),
        }
        return TemplateResponse(
            request, "admin/registrations/participant/cancel_confirmation.html", context
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
        self._warn_beyond_capacity(request, {p.event for p in chosen})

    def _warn_beyond_capacity(self, request, events) -> None:
        for event in events:
            counts = availability(event, fresh=True)
            if event.capacity is None or counts.confirmed + counts.offered <= event.capacity:
                continue
            if counts.offered:
                numbers = {
                    "confirmed": counts.confirmed,
                    "offered": counts.offered,
                    "capacity": event.capacity,
                }
                text = _("%(confirmed)d confirmed and %(offered)d offered for %(capacity)d seats.")
            else:
                numbers = {"confirmed": counts.confirmed, "capacity": event.capacity}
                text = _("%(confirmed)d confirmed for %(capacity)d seats.")
            self.message_user(request, text % numbers, WARNING)

    @admin.action(description=_("Send the confirmation again"), permissions=["change"])
    def resend_selected(self, request, queryset):
        self._run(
            request,
            queryset.filter(status__in=["confirmed", "waiting", "offered"]),
            lambda p: changes.resend_confirmation(p, by=request.user),
            _("%(count)d sent again."),
        )

    @admin.action(description=_("Export the selected as a spreadsheet (CSV)"))
    def export_csv(self, request, queryset):
        rows = list(queryset.prefetch_related("session_choices__session").order_by("name"))
        one_event = len({row.event_id for row in rows}) == 1
        record_request(
            request,
            AuditAction.EXPORT,
            event=rows[0].event if one_event else None,
            target="csv (selected)",
            count=len(rows),
        )
        response = HttpResponse(participants_csv(rows), content_type="text/csv; charset=utf-8")
        stem = pgettext("file name", "participants")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response

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
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if request.method == "GET" and changelist is not None:
            record_request(
                request,
                AuditAction.PARTICIPANT_LIST,
                event=_filtered_event(request),
                count=changelist.result_count,
            )
        return response


def _filtered_event(request) -> Event | None:
    """The event the participant list is filtered by, for the audit log."""
    event_id = request.GET.get("event__id__exact", "")
    return Event.objects.filter(pk=event_id).first() if event_id.isdigit() else None
