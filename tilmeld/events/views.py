from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, pgettext

from tilmeld.core import pagecache
from tilmeld.core.site import site_settings
from tilmeld.events import exports, selectors
from tilmeld.events.programme_pdf import cached_programme_pdf
from tilmeld.events.structured_data import event_json_ld

PAGE_SIZE = 20


@pagecache.public_page
def event_list(request):
    return _listing(request, selectors.upcoming_events, archive=False)


@pagecache.public_page
def event_archive(request):
    return _listing(request, selectors.past_events, archive=True)


def _listing(request, events, *, archive: bool):
    now = timezone.now()
    page = Paginator(events(now), PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(request, "events/event_list.html", {"page": page, "archive": archive})
    instants = [selectors.changes_at(page.object_list, now), selectors.listing_changes_at(now)]
    return pagecache.lasting(
        response,
        until=min(filter(None, instants), default=None),
        live=selectors.shows_live_figures(page.object_list, now),
    )


def _event_or_404(request, slug):
    event = selectors.event_for_page(slug, preview=request.user.is_staff)
    if event is None:
        raise Http404
    return event


@pagecache.public_page
def event_detail(request, slug):
    event = _event_or_404(request, slug)
    site = site_settings(request)
    url = request.build_absolute_uri(event.get_absolute_url())
    slots = selectors.programme(event)
    context = {
        "event": event,
        "slots": slots,
        "speakers": selectors.speakers_of(slots),
        "state": event.registration_state(),
        "contact_email": event.contact_email or site.contact_email,
        "co_organisers": [link.organisation for link in event.co_organiser_links.all()],
        "json_ld": event_json_ld(event, url=url, organiser_name=site.name),
    }
    response = render(request, "events/event_detail.html", context)
    return pagecache.lasting(
        response,
        until=selectors.changes_at([event]),
        live=selectors.shows_live_figures([event]),
    )


def event_calendar(request, slug):
    event = _event_or_404(request, slug)
    url = request.build_absolute_uri(event.get_absolute_url())
    body = exports.event_ics(event, url=url, uid_host=request.get_host().split(":")[0])
    return _calendar_response(body, f"{event.slug}.ics")


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def session_calendar(request, slug, pk):
    event = _event_or_404(request, slug)
    session = event.sessions.filter(pk=pk).first()
    if session is None:
        raise Http404
    url = request.build_absolute_uri(event.get_absolute_url())
    host = request.get_host().split(":")[0]
    return _calendar_response(
        exports.session_ics(session, url=url, uid_host=host), f"{event.slug}-{session.pk}.ics"
    )


def upcoming_calendar(request):
    """A calendar feed people subscribe to: every upcoming event."""
    site = site_settings(request)
    body = exports.events_feed_ics(
        selectors.upcoming_events(),
        url_for=lambda e: request.build_absolute_uri(e.get_absolute_url()),
        uid_host=request.get_host().split(":")[0],
        name=site.name,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "public, max-age=900"
    return response


def programme_download(request, slug):
    """The staff-uploaded PDF where there is one; otherwise the programme generated from the
    sessions, in the reader's language."""
    event = _event_or_404(request, slug)
    if event.programme_file:
        return FileResponse(event.programme_file.open("rb"), content_type="application/pdf")
    if not event.sessions.exists():
        raise Http404
    pdf = cached_programme_pdf(event, language=get_language(), request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    # Translators: the end of the programme PDF's file name, lower case without spaces.
    name = pgettext("file name", "programme")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-{name}.pdf"'
    return response
