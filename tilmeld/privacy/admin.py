"""What staff see of retention: on each event when its participants are anonymised, on each
invoice how long it is kept unchanged; and the person's-data pages (views.py)."""

import datetime as dt

from django.contrib import admin
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tilmeld.events.models import Event
from tilmeld.invoicing.admin.invoices import InvoiceAdmin
from tilmeld.invoicing.models import Invoice
from tilmeld.privacy import retention, views
from tilmeld.privacy.models import PersonData
from tilmeld.registrations.admin import EventWithRegistrationsAdmin

BOOKKEEPING_RULE = _(
    "Invoices and credit notes are bookkeeping records: they are kept unchanged for 5 years after"
    " the end of the financial year (the calendar year of their date). After that, the personal"
    " names in them are removed; amounts, numbers and institutions stay."
)


def _day(value) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


class AnonymisedFilter(admin.SimpleListFilter):
    title = _("anonymised")
    parameter_name = "anonymised"

    def lookups(self, request, model_admin):
        return [("yes", _("Anonymised")), ("no", _("Not yet"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(anonymised_at__isnull=self.value() == "no")
        return queryset


admin.site.unregister(Event)


@admin.register(Event)
class EventWithRetentionAdmin(EventWithRegistrationsAdmin):
    # A filter, not a column: the list is as wide as a laptop allows already.
    list_filter = [*EventWithRegistrationsAdmin.list_filter, AnonymisedFilter]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "anonymisation"]

    def get_fieldsets(self, request, obj=None):
        """Folded, its heading saying when: the form is long enough already."""
        privacy = (
            self.privacy_heading(obj),
            {
                "classes": ["collapse"],
                "fields": ["retention_months", "anonymisation"],
                "description": _(
                    "When the period is over, the background worker anonymises the participants"
                    " and bookers: names, e-mails, phone numbers, job titles, free-text and"
                    " diet/health answers, the history's values and the recipients of their"
                    " mails. Numbers, organisations, statuses and check-in times remain, so"
                    " the dashboard still adds up."
                ),
            },
        )
        return [*super().get_fieldsets(request, obj), privacy]

    @staticmethod
    def privacy_heading(obj) -> str:
        if obj is None or obj.pk is None:
            return _("Privacy")
        if obj.anonymised_at:
            return _("Privacy: anonymised on %(day)s") % {"day": _day(obj.anonymised_at)}
        return _("Privacy: to be anonymised on %(day)s") % {
            "day": _day(retention.anonymise_at(obj))
        }

    @admin.display(description=_("anonymisation"))
    def anonymisation(self, obj):
        if obj is None or obj.pk is None:
            return _("The site's period after the event ends (site settings).")
        if obj.anonymised_at:
            return _("Anonymised on %(day)s.") % {"day": _day(obj.anonymised_at)}
        plan = retention.plan(obj)
        return _(
            "On %(day)s, %(months)s months after the event ends: %(participants)s participants,"
            " %(bookings)s bookings and %(mails)s mails. %(rule)s"
        ) % {
            "day": _day(plan.at),
            "months": retention.retention_months(obj),
            "participants": plan.participants,
            "bookings": plan.bookings,
            "mails": plan.mails,
            "rule": BOOKKEEPING_RULE,
        }


admin.site.unregister(Invoice)


@admin.register(Invoice)
class InvoiceWithRetentionAdmin(InvoiceAdmin):
    fields = [*InvoiceAdmin.fields, "retention"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "retention"]

    @admin.display(description=_("kept until"))
    def retention(self, obj):
        if obj.anonymised_at:
            kept = _("Personal names removed on %(day)s.") % {"day": _day(obj.anonymised_at)}
        else:
            kept = _("Kept unchanged until %(day)s; then the personal names are removed.") % {
                "day": _day(retention.bookkeeping_until(obj.issue_date))
            }
        return f"{kept} {BOOKKEEPING_RULE}"


@admin.register(PersonData)
class PersonDataAdmin(admin.ModelAdmin):
    """A person's data: look up, download, erase (views.py). The model has no table; its
    permissions decide who may use the pages."""

    def has_module_permission(self, request):
        return request.user.has_perm("privacy.look_up_person")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("privacy.look_up_person")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        guard = self.admin_site.admin_view
        return [
            path("", guard(views.look_up), name="privacy_persondata_changelist"),
            path("download/", guard(views.download), name="privacy_persondata_download"),
            path("erase/", guard(views.erase), name="privacy_persondata_erase"),
        ]
