"""Staff pages live under the admin and use its login and look."""

from django.contrib import admin
from django.shortcuts import get_object_or_404

from tilmeld.events.models import Event


def staff_view(view):
    """Login required, staff only, CSRF and no caching: the admin's own guard."""
    return admin.site.admin_view(view)


def admin_context(request, *, title: str, event: Event | None = None, **extra) -> dict:
    context = {**admin.site.each_context(request), "title": title, **extra}
    if event is not None:
        context["event"] = event
        context["opts"] = Event._meta
        context["original"] = event
    return context


def event_or_404(event_id: int) -> Event:
    return get_object_or_404(Event.objects.select_related("venue"), pk=event_id)
