import json

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from tilmeld.core import dates, markup
from tilmeld.core.labels import labelled as join_label
from tilmeld.core.money import money_text

register = template.Library()

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def markdown(text):
    return markup.render_markdown(text)


@register.filter
def teaser(text, words=30):
    return markup.plain_teaser(text, int(words))


@register.filter
def money(amount):
    """{{ line.net|money }}: "1.995,00 kr." / "DKK 1,995.00" in the active language."""
    return "" if amount is None or amount == "" else money_text(amount)


@register.filter
def clock(value):
    return dates.clock(value) if value else ""


@register.filter
def datetime_text(value):
    return dates.datetime_text(value) if value else ""


@register.filter
def moment(value):
    return dates.moment_text(value) if value else ""


@register.filter
def before(value):
    """Binding from midnight 11 May reads "binding after 10 May"."""
    return dates.last_moment_before(value) if value else ""


@register.simple_tag
def span(start, end=None):
    return dates.span_text(start, end)


@register.simple_tag
def time_span(start, end):
    return dates.time_span_text(start, end)


@register.filter
def labelled(label, text):
    """{{ field.label|labelled:field.errors.0 }}: no colon after a label ending in "?"."""
    return join_label(label, text)


@register.filter
def json_ld(data):
    """Structured data for search engines, safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def translated_url(context, language):
    """The current page in another language, or that language's front page."""
    from django.urls import translate_url
    from django.utils.translation import override

    request = context["request"]
    url = translate_url(request.get_full_path(), language)
    if url == request.get_full_path() and language != context.get("LANGUAGE_CODE"):
        with override(language):
            from django.urls import reverse

            return reverse("home")
    return url


@register.simple_tag
def fallback_lang(instance, field: str):
    """` lang="da"` where a translated field is shown in another language than the page's: an
    empty English title shows the Danish one (modeltranslation's fallback), which then
    hyphenates as Danish."""
    current = get_language()
    for language in (current, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES):
        if getattr(instance, f"{field}_{language}", None):
            return format_html(' lang="{}"', language) if language != current else ""
    return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
