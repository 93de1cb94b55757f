from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.mail.models import OutboxMessage
from tilmeld.mail.services import requeue


class StuckFilter(admin.SimpleListFilter):
    """Mails that should have gone out and are not on their way (OutboxMessage.objects.stuck)."""

    title = _("stuck")
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("yes", _("Stuck: neither sent nor on its way"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=OutboxMessage.objects.stuck())
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = [
        "created_at", "to_email", "subject", "status", "claimed_at", "attempts", "sent_at",
    ]  # fmt: skip
    list_filter = [StuckFilter, "status", "created_at"]
    search_fields = ["to_email", "to_name", "subject", "reference"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    # What staff can read: who, what, when, and what went wrong. The kind of mail and its
    # parameters (participant ids) are the worker's; the text with its manage links is never stored.
    fields = [
        "created_at", "to_name", "to_email", "language", "subject", "status", "sent_at",
        "claimed_at", "interruptions", "attempts", "next_attempt_at", "last_error",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try the failed and stuck mails again"))
    def retry(self, request, queryset):
        queued = sum(requeue(message) for message in queryset)
        queued_text = ngettext(
            "%(count)d mail queued again.", "%(count)d mails queued again.", queued
        )
        self.message_user(request, queued_text % {"count": queued})
        if left := len(queryset) - queued:
            left_text = ngettext(
                "%(count)d mail left as it was: sent, or still on its way.",
                "%(count)d mails left as they were: sent, or still on their way.",
                left,
            )
            self.message_user(request, left_text % {"count": left})
