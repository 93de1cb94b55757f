from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from tilmeld.core.admin_mixins import (
    PublicationStateFilter,
    PublishableAdminMixin,
    SafeChangeListMixin,
)
from tilmeld.news.models import Article


@admin.register(Article)
class ArticleAdmin(SafeChangeListMixin, PublishableAdminMixin, TranslationAdmin):
    list_display = ["title", "state", "published_at", "byline"]
    list_filter = [PublicationStateFilter, "published_at"]
    search_fields = ["title_da", "title_en", "body_da", "body_en"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title_da"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "teaser", "body"]}),
        (_("Image"), {"fields": ["image", "image_alt"]}),
        (_("Publishing"), {"fields": ["is_published", "published_at", "byline"]}),
    ]
