from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from modeltranslation.admin import TranslationAdmin

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.core.models import Page, SiteSettings
from tilmeld.core.site import forget

admin.site.site_header = _("Tilmeld administration")
admin.site.site_title = _("Tilmeld")
admin.site.index_title = _("Events, news and registrations")

# Django's and django-tasks-db's own admins, with the change list that answers odd filter
# values with ?e=1 instead of a 500, like all of ours.
for model, model_admin in [
    (User, auth_admin.UserAdmin),
    (Group, auth_admin.GroupAdmin),
    (DBTaskResult, DBTaskResultAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (SafeChangeListMixin, model_admin), {}))


@admin.register(SiteSettings)
class SiteSettingsAdmin(SafeChangeListMixin, TranslationAdmin):
    fieldsets = [
        (None, {"fields": ["name", "logo", "contact_email", "phone"]}),
        (_("Address and identity"), {"fields": ["address", "cvr"]}),
        (
            _("Invoices"),
            {
                "fields": [
                    "bank_reg",
                    "bank_account",
                    "iban",
                    "bic",
                    "fi_creditor",
                    "payment_days",
                ]
            },
        ),
        (_("Footer"), {"fields": ["footer_text"]}),
        (
            _("Security contact"),
            {
                "fields": ["security_contact", "security_expires_on", "security_policy_url"],
                "description": _(
                    "Shown to security researchers at /.well-known/security.txt (RFC 9116)."
                ),
            },
        ),
        (_("Privacy"), {"fields": ["retention_months"]}),
    ]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(SafeChangeListMixin, TranslationAdmin):
    list_display = ["title", "slug", "in_footer", "position", "updated_at"]
    list_editable = ["in_footer", "position"]
    search_fields = ["title_da", "title_en", "body_da"]
    prepopulated_fields = {"slug": ["title_da"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget()
