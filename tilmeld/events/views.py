from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from tilmeld.core.site import site_settings
from tilmeld.events import exports, selectors
from tilmeld.events.structured_data import event_json_ld

PAGE_SIZE = 20


def event_list(request):
    page = Paginator(selectors.upcoming_events(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/event_list.html", {"page": page, "archive": False})


def event_archive(request):
    page = Paginator(selectors.past_events(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/event_list.html", {"page": page, "archive": True})


def _event_or_404(request, slug):
    event = selectors.event_for_page(slug, preview=request.user.is_staff)
    if event is None:
        raise Http404
    return event


def event_detail(request, slug):
    event = _event_or_404(request, slug)
    site = site_settings(request)
    url = request.build_absolute_uri(event.get_absolute_url())
    context = {
        "event": event,
        "state": event.registration_state(),
        "contact_email": event.contact_email or site.contact_email,
        "co_organisers": [link.organisation for link in event.co_organiser_links.all()],
        "json_ld": event_json_ld(event, url=url, organiser_name=site.name),
    }
    return render(request, "events/event_detail.html", context)


def event_calendar(request, slug):
    event = _event_or_404(request, slug)
    url = request.build_absolute_uri(event.get_absolute_url())
    body = exports.event_ics(event, url=url, uid_host=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response
