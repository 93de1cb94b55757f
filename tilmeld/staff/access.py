"""Staff pages live under the admin and use its login and look."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from tilmeld.events.models import Event

VIEW = "registrations.view_participant"
CHANGE = "registrations.change_participant"


def staff_view(view, perm: str = VIEW):
    """Login required, staff only, no caching (the admin's own guard), and the permission the
    page needs: seeing participants, changing them, or writing to them."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.has_perm(perm):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return admin.site.admin_view(guarded)


def admin_context(request, *, title: str, event: Event | None = None, **extra) -> dict:
    context = {**admin.site.each_context(request), "title": title, **extra}
    if event is not None:
        context["event"] = event
        context["opts"] = Event._meta
        context["original"] = event
    return context


def event_or_404(event_id: int) -> Event:
    return get_object_or_404(Event.objects.select_related("venue"), pk=event_id)
