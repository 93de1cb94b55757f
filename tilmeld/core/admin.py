from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from modeltranslation.admin import TranslationAdmin

from tilmeld.core import terms
from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.core.models import Page, PageVersion, SiteSettings
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


class PageVersionInline(admin.TabularInline):
    """The versions of the privacy policy or the registration terms: read only, as the
    registrations that accepted them point at them."""

    model = PageVersion
    extra = 0
    fields = readonly_fields = ["number", "created_at", "created_by", "text"]
    view_on_site = False  # the text column links to it
    verbose_name_plural = _("versions accepted at registration")

    @admin.display(description=_("text"))
    def text(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Read this version"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(SafeChangeListMixin, TranslationAdmin):
    list_display = ["title", "slug", "role", "in_footer", "position", "updated_at"]
    list_editable = ["in_footer", "position"]
    search_fields = ["title_da", "title_en", "body_da"]
    prepopulated_fields = {"slug": ["title_da"]}
    inlines = [PageVersionInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.role else []

    def save_model(self, request, obj, form, change):
        terms.save_page(obj, by=request.user)  # a changed privacy policy or terms: a new version

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget()
