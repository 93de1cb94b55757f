"""Staff write Markdown; visitors get sanitised HTML. A <script> typed by staff never runs."""

import html
from functools import lru_cache

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


def render_markdown(text: str) -> SafeString:
    return mark_safe(_clean_html(text or ""))


@lru_cache(maxsize=2048)
def _clean_html(text: str) -> str:
    """The same text gives the same HTML, so a page of many sessions or teasers converts each
    text once per process, not on every view (a third of an event page's time before)."""
    rendered = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def plain_teaser(text: str, words: int = 30) -> str:
    """The first words of a Markdown text as plain text, ending in "…" when cut."""
    plain = " ".join(html.unescape(strip_tags(render_markdown(text))).split())
    return Truncator(plain).words(words, truncate="…")
