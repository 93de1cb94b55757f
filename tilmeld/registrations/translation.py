from modeltranslation.translator import TranslationOptions, register

from tilmeld.registrations.models import Question


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text", "choices")
