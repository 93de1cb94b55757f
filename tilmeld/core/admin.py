from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from tilmeld.core.models import Page, SiteSettings
from tilmeld.core.site import forget

admin.site.site_header = _("Tilmeld administration")
admin.site.site_title = _("Tilmeld")
admin.site.index_title = _("Events, news and registrations")


@admin.register(SiteSettings)
class SiteSettingsAdmin(TranslationAdmin):
    fieldsets = [
        (None, {"fields": ["name", "logo", "contact_email", "phone"]}),
        (_("Address and identity"), {"fields": ["address", "cvr"]}),
        (_("Footer"), {"fields": ["footer_text"]}),
    ]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(TranslationAdmin):
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
