"""Staff tools: check-in at the door (search, tap, scan), the arrivals count and the no-shows."""

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tilmeld.audit.enums import AuditAction
from tilmeld.audit.services import record_request
from tilmeld.core import ratelimits
from tilmeld.core.dates import clock
from tilmeld.core.text import single_line
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.exports import safe_cell
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services import checkin as service
from tilmeld.staff import badges
from tilmeld.staff.access import CHANGE, admin_context, event_or_404, staff_view

MAX_QUERY = 100


def _arrivals_text(arrived: int, expected: int) -> str:
    return _("%(arrived)s of %(expected)s arrived") % {"arrived": arrived, "expected": expected}


def _back(event, query: str = "", anchor: str = "") -> str:
    url = reverse("staff:checkin", kwargs={"event_id": event.pk})
    if query:
        url += "?" + urlencode({"q": query})
    return url + anchor


def _checked_in_text(participant, arrival, created: bool) -> str:
    values = {"name": participant.name, "time": clock(arrival.checked_in_at)}
    if created:
        return _("%(name)s is checked in.") % values
    return _("%(name)s was already checked in at %(time)s.") % values


def checkin_page(request, event_id):
    event = event_or_404(event_id)
    query = single_line(request.GET.get("q", ""))[:MAX_QUERY]
    arrived, expected = service.arrivals(event)
    results = service.search_participants(event, query)
    if query:
        record_request(request, AuditAction.CHECKIN_SEARCH, event=event, count=len(results))
    context = admin_context(
        request,
        title=_("Check-in: %(title)s") % {"title": event.title},
        event=event,
        query=query,
        results=results,
        limit=service.SEARCH_LIMIT,
        arrived=arrived,
        expected=expected,
        arrivals_text=_arrivals_text(arrived, expected),
        badge_form=badges.BadgeFilterForm(),
    )
    return render(request, "staff/checkin/checkin.html", context)


def _arrivals_data(event) -> dict:
    arrived, expected = service.arrivals(event)
    return {"arrived": arrived, "expected": expected, "text": _arrivals_text(arrived, expected)}


def arrivals_json(request, event_id):
    return JsonResponse(_arrivals_data(event_or_404(event_id)))


def _participant(event, participant_id) -> Participant:
    return get_object_or_404(Participant, pk=participant_id, event=event)


def check_in_participant(request, event_id, participant_id):
    event = event_or_404(event_id)
    participant = _participant(event, participant_id)
    try:
        arrival, created = service.check_in(participant, by=request.user)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        level = messages.SUCCESS if created else messages.WARNING
        messages.add_message(request, level, _checked_in_text(participant, arrival, created))
    return redirect(_back(event, request.POST.get("q", ""), f"#p{participant.pk}"))


def undo_check_in(request, event_id, participant_id):
    event = event_or_404(event_id)
    participant = _participant(event, participant_id)
    if service.undo_check_in(participant, by=request.user):
        messages.success(
            request, _("The check-in of %(name)s is undone.") % {"name": participant.name}
        )
    else:
        messages.info(request, _("%(name)s was not checked in.") % {"name": participant.name})
    return redirect(_back(event, request.POST.get("q", "") or participant.name))


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _scan_refused(request, verdict):
    if not _wants_json(request):
        return ratelimits.too_many(request, verdict)
    answer = {"result": "rate_limited", "message": ratelimits.wait_text(verdict)}
    return ratelimits.with_retry_after(JsonResponse(answer), verdict)


def scan(request, event_id):
    """A code from the camera (JSON for the page's script) or typed by a hand scanner (a form)."""
    event = event_or_404(event_id)
    code = request.POST.get("code", "")
    # Codes that are not ours count against the user; over the limit every code is refused.
    who = f"user:{request.user.pk}"
    verdict = ratelimits.peek(request, ratelimits.CHECKIN_FAILURES, who)
    try:
        if not verdict:
            raise ratelimits.Refused(verdict)
        arrival, created = service.check_in_by_code(event, code, by=request.user)
    except ratelimits.Refused as refused:
        return _scan_refused(request, refused.verdict)
    except RegistrationError as error:
        if error.code == "invalid_code":
            verdict = ratelimits.hit(request, ratelimits.CHECKIN_FAILURES, who)
            if not verdict:
                return _scan_refused(request, verdict)
        if _wants_json(request):
            return JsonResponse({"result": error.code, "message": str(error.message)}, status=400)
        messages.error(request, error.message)
        return redirect(_back(event, anchor="#scan"))
    participant = arrival.participant
    text = _checked_in_text(participant, arrival, created)
    if not _wants_json(request):
        level = messages.SUCCESS if created else messages.WARNING
        messages.add_message(request, level, text)
        return redirect(_back(event, participant.name, anchor="#scan"))
    return JsonResponse(
        {
            "result": "checked_in" if created else "already_checked_in",
            "message": text,
            "participant": participant.pk,
            "name": participant.name,
            "organisation": participant.organisation,
            "checked_in_at": timezone.localtime(arrival.checked_in_at).isoformat(),
            "undo_url": reverse(
                "staff:checkin_undo",
                kwargs={"event_id": event.pk, "participant_id": participant.pk},
            ),
            "arrivals": _arrivals_data(event),
        }
    )


def no_shows_csv(participants) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Name"), _("Organisation"), _("Job title"), _("E-mail"), _("Phone")])
    for p in participants:
        row = [p.name, p.organisation, p.job_title, p.email, p.phone]
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def no_shows_page(request, event_id):
    event = event_or_404(event_id)
    missing = list(service.no_shows(event))
    arrived, expected = service.arrivals(event)
    context = admin_context(
        request,
        title=_("No-shows: %(title)s") % {"title": event.title},
        event=event,
        participants=missing,
        arrived=arrived,
        expected=expected,
        started=event.starts_at <= timezone.now(),
    )
    return render(request, "staff/checkin/no_shows.html", context)


def no_shows_download(request, event_id):
    event = event_or_404(event_id)
    missing = list(service.no_shows(event))
    record_request(
        request, AuditAction.EXPORT, event=event, target="no-shows csv", count=len(missing)
    )
    response = HttpResponse(no_shows_csv(missing), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-no-shows.csv"'
    return response


urlpatterns = [
    path(
        "events/<int:event_id>/checkin/",
        staff_view(require_GET(checkin_page)),
        name="checkin",
    ),
    path(
        "events/<int:event_id>/checkin/arrivals.json",
        staff_view(require_GET(arrivals_json)),
        name="checkin_arrivals",
    ),
    path(
        "events/<int:event_id>/checkin/scan/",
        staff_view(require_POST(scan), CHANGE),
        name="checkin_scan",
    ),
    path(
        "events/<int:event_id>/checkin/<int:participant_id>/",
        staff_view(require_POST(check_in_participant), CHANGE),
        name="checkin_participant",
    ),
    path(
        "events/<int:event_id>/checkin/<int:participant_id>/undo/",
        staff_view(require_POST(undo_check_in), CHANGE),
        name="checkin_undo",
    ),
    path(
        "events/<int:event_id>/no-shows/",
        staff_view(require_GET(no_shows_page)),
        name="no_shows",
    ),
    path(
        "events/<int:event_id>/no-shows.csv",
        staff_view(require_GET(no_shows_download)),
        name="no_shows_csv",
    ),
    *badges.urlpatterns,
]
