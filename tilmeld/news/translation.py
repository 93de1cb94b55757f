from modeltranslation.translator import TranslationOptions, register

from tilmeld.news.models import Article


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "teaser", "body", "image_alt", "byline")
