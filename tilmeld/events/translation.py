from modeltranslation.translator import TranslationOptions, register

from tilmeld.events.models import Event, Session, Speaker, Venue


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary", "body", "audience", "image_alt", "byline")


@register(Venue)
class VenueTranslation(TranslationOptions):
    fields = ("name",)


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("job_title", "bio")
