from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from tilmeld.core.admin_inlines import InlineLabelsMixin
from tilmeld.core.admin_mixins import (
    PublicationStateFilter,
    PublishableAdminMixin,
    SafeChangeListMixin,
)
from tilmeld.events import signals
from tilmeld.events.admin_programme import SessionInline, ShownOnEventsMixin
from tilmeld.events.models import CoOrganiser, Event, Organisation, Venue


class CoOrganiserInline(admin.TabularInline):
    model = CoOrganiser
    extra = 1
    autocomplete_fields = ["organisation"]
    add_another_label = _("Add another co-organiser")
    classes = ["collapse"]  # most events have none


@admin.register(Event)
class EventAdmin(InlineLabelsMixin, SafeChangeListMixin, PublishableAdminMixin, TranslationAdmin):
    list_display = ["title", "starts_at", "venue", "state", "registration"]
    list_filter = [PublicationStateFilter, "is_cancelled", "starts_at", "venue"]
    list_select_related = ["venue"]
    search_fields = ["title_da", "title_en", "summary_da", "venue__name_da"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title_da"]}
    autocomplete_fields = ["venue", "organiser"]
    inlines = [CoOrganiserInline, SessionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "audience"]}),
        (_("Time and place"), {"fields": ["starts_at", "ends_at", "venue"]}),
        (_("Organisers and contact"), {"fields": ["organiser", "contact_email"]}),
        (
            _("Registration"),
            {
                "fields": [
                    ("registration_opens_at", "registration_closes_at", "binding_at"),
                    ("capacity", "max_booking_size", "reminder_days"),
                    ("waiting_list_enabled", "show_seats_left", "substitution_allowed"),
                    ("waiting_list_mode", "offer_hours"),
                ]
            },
        ),
        (
            _("Prices and invoicing"),
            {"fields": [("vat_mode", "invoicing_held"), "vat_exemption_reason"]},
        ),
        (
            _("Programme and image"),
            {"fields": ["programme_file", "image", "image_alt"], "classes": ["collapse"]},
        ),
        (_("Publishing"), {"fields": ["is_published", "published_at", "is_cancelled"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name.startswith(("summary", "audience")):  # a few lines; the body is long
            field.widget.attrs["rows"] = 3
        return field

    @admin.display(description=_("registration"))
    def registration(self, obj):
        return obj.registration_state().label

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        signals.saved.send(sender=Event, event=form.instance, created=not change)


@admin.register(Organisation)
class OrganisationAdmin(ShownOnEventsMixin, SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]


@admin.register(Venue)
class VenueAdmin(ShownOnEventsMixin, SafeChangeListMixin, TranslationAdmin):
    list_display = ["name", "street", "postcode", "city"]
    search_fields = ["name_da", "name_en", "city"]
