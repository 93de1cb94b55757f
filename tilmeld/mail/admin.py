from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.mail.models import MessageStatus, OutboxMessage
from tilmeld.mail.services import requeue


@admin.register(OutboxMessage)
class OutboxMessageAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["created_at", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["to_email", "to_name", "subject", "reference"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    # What staff can read: who, what, when, and what went wrong. The kind of mail and its
    # parameters (participant ids) are the worker's; the text with its manage links is never stored.
    fields = [
        "created_at", "to_name", "to_email", "language", "subject",
        "status", "sent_at", "attempts", "next_attempt_at", "last_error",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try the failed mails again"))
    def retry(self, request, queryset):
        failed = list(queryset.filter(status=MessageStatus.FAILED))
        for message in failed:
            requeue(message)
        self.message_user(request, _("%(count)d mails queued again.") % {"count": len(failed)})
