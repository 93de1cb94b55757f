from modeltranslation.translator import TranslationOptions, register

from tilmeld.events.models import Event, Venue


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "audience", "image_alt", "byline")


@register(Venue)
class VenueTranslation(TranslationOptions):
    fields = ("name",)
