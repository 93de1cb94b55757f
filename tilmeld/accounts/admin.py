"""Superusers see who has two-factor login and remove an app a user has lost. django-otp's own
admin pages (English only, showing device internals) are replaced by this one."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tilmeld.accounts import services
from tilmeld.accounts.models import AuthenticatorApp
from tilmeld.core.admin_mixins import SafeChangeListMixin

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["owner", "app_name", "added", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = ["owner", "app_name", "added", "last_used"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(confirmed=True)

    @admin.display(description=_("user"), ordering="user__username")
    def owner(self, obj):
        return obj.user.get_username()

    @admin.display(description=_("Name"))
    def app_name(self, obj):
        return obj.name

    @admin.display(description=_("Added"), ordering="created_at")
    def added(self, obj):
        return obj.created_at

    @admin.display(description=_("Last used"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.remove_authenticator(obj.user, obj.pk)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            services.remove_authenticator(device.user, device.pk)
