from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tilmeld.audit.models import AuditEntry
from tilmeld.audit.services import person_reference
from tilmeld.core.admin_mixins import SafeChangeListMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Read by superusers only, changed by no one: a log that staff could edit proves nothing."""

    list_display = ["at", "username", "action", "event", "target", "count", "ip_address"]
    list_filter = [
        "action",
        ("user", admin.RelatedOnlyFieldListFilter),
        ("event", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["event"]
    date_hierarchy = "at"
    search_fields = ["username", "target"]
    search_help_text = _("A username, or a person's whole e-mail address.")

    def get_search_results(self, request, queryset, search_term):
        # A person is stored as a reference, so an address typed in the search finds its entries.
        if "@" in search_term:
            return queryset.filter(target=person_reference(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
