"""What the page tests share: a fixed clock, URLs in either language, pieces of rendered HTML."""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

CPH = ZoneInfo("Europe/Copenhagen")


def local(*parts: int) -> datetime:
    """A wall-clock time in Copenhagen: local(2016, 5, 23, 9, 30)."""
    return datetime(*parts, tzinfo=CPH)


# Every page test runs on 1 May 2016 at noon unless it travels elsewhere (see the conftest files).
NOW = local(2016, 5, 1, 12)


def url(name: str, lang: str = "da", **kwargs) -> str:
    """reverse() in a language: the URL words differ between Danish and English."""
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def content(response) -> str:
    return response.content.decode()


def squeeze(fragment: str) -> str:
    """The visible text of an HTML fragment on one line."""
    return " ".join(html.unescape(strip_tags(fragment)).split())


def element(page: str, tag: str, css_class: str) -> str:
    """The inner HTML of the first <tag class="css_class">; fails the test when there is none."""
    match = re.search(rf'<{tag} class="{css_class}"[^>]*>(.*?)</{tag}>', page, re.DOTALL)
    assert match is not None, f'no <{tag} class="{css_class}"> in the page'
    return match.group(1)


def text_of(page: str, tag: str, css_class: str) -> str:
    return squeeze(element(page, tag, css_class))


def card_titles(page: str, kind: str) -> list[str]:
    """The titles of the event or article cards, in page order: card_titles(page, "event")."""
    pattern = (
        rf'<article class="card {kind}-card">\s*'
        r'<h[2-6] class="card-title"><a href="[^"]*">(.*?)</a>'
    )
    return [html.unescape(title) for title in re.findall(pattern, page)]
