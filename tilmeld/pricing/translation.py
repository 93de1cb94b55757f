from modeltranslation.translator import TranslationOptions, register

from tilmeld.pricing.models import Option, Price


@register(Price)
class PriceTranslation(TranslationOptions):
    fields = ("name",)


@register(Option)
class OptionTranslation(TranslationOptions):
    fields = ("name",)
