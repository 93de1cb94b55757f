"""The text of /.well-known/security.txt (RFC 9116), from the site settings."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tilmeld.core.models import SiteSettings


def expires_at(site: SiteSettings) -> dt.datetime:
    """The end of the chosen day in the site's time zone; without one, a year from today."""
    day = site.security_expires_on or timezone.localdate() + dt.timedelta(days=365)
    end = dt.datetime.combine(day, dt.time(23, 59, 59))
    return timezone.make_aware(end).astimezone(dt.UTC)


def security_txt(site: SiteSettings) -> str | None:
    """None when there is no one to contact: the RFC requires a Contact line."""
    contact = site.security_contact or (
        f"mailto:{site.contact_email}" if site.contact_email else ""
    )
    if not contact:
        return None
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires_at(site):%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: da, en",
        f"Canonical: {settings.SITE_URL}{reverse('security_txt')}",
    ]
    if site.security_policy_url:
        lines.append(f"Policy: {site.security_policy_url}")
    return "\n".join(lines) + "\n"
