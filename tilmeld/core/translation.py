from modeltranslation.translator import TranslationOptions, register

from tilmeld.core.models import Page, SiteSettings


@register(SiteSettings)
class SiteSettingsTranslation(TranslationOptions):
    fields = ("name", "footer_text")


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "body")
