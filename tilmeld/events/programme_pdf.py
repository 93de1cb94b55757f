"""The generated programme PDF, cached by the content it shows: a change to the event, its
sessions or speakers changes the HTML, so the next request builds a new PDF; otherwise the stored
file is served without running WeasyPrint."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from tilmeld.core.site import site_settings
from tilmeld.events import exports, selectors
from tilmeld.events.models import Event

FOLDER = "programmes/generated"


def _file_url(path: str | None) -> str:
    return Path(path).resolve().as_uri() if path else ""


def _stored_url(file) -> str:
    """An uploaded file, read through the storage: it may be in a bucket, not on this disk."""
    return exports.media_url(file.name)


def programme_html(event: Event, *, language: str, request=None) -> str:
    site = site_settings(request)
    slots = selectors.programme(event)
    logo = _stored_url(site.logo) if site.logo else _file_url(finders.find("img/logo.svg"))
    photos = {
        speaker.pk: _stored_url(speaker.photo)
        for speaker in selectors.speakers_of(slots)
        if speaker.photo
    }
    context = {
        "event": event,
        "site": site,
        "slots": slots,
        "speakers": selectors.speakers_of(slots),
        "photos": photos,
        "logo": logo,
        "language": language,
        "contact_email": event.contact_email or site.contact_email,
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "several_days": timezone.localtime(event.starts_at).date()
        != timezone.localtime(event.ends_at).date(),
    }
    return render_to_string("events/programme_pdf.html", context)


def cached_programme_pdf(event: Event, *, language: str, request=None) -> bytes:
    html = programme_html(event, language=language, request=request)
    digest = hashlib.sha256(html.encode()).hexdigest()[:20]
    name = f"{FOLDER}/{event.pk}-{language}-{digest}.pdf"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    pdf = exports.programme_pdf(html, base_url=str(settings.BASE_DIR))
    _remove_old(event, language)
    default_storage.save(name, ContentFile(pdf))
    return pdf


def _remove_old(event: Event, language: str) -> None:
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for old in files:
        if old.startswith(f"{event.pk}-{language}-"):
            default_storage.delete(f"{FOLDER}/{old}")
