"""Staff tools: the dashboard of one event."""

from django.shortcuts import render
from django.urls import path
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tilmeld.registrations.selectors import availability
from tilmeld.registrations.services import checkin
from tilmeld.staff import stats
from tilmeld.staff.access import admin_context, event_or_404, staff_view
from tilmeld.staff.charts import bar_chart


def event_dashboard(request, event_id):
    event = event_or_404(event_id)
    counts = stats.status_counts(event)
    days = stats.registrations_per_day(event)
    arrived, _expected = checkin.arrivals(event)
    context = admin_context(
        request,
        title=_("Dashboard: %(title)s") % {"title": event.title},
        event=event,
        availability=availability(event),
        counts=counts,
        chart=bar_chart(
            days,
            label=lambda bar: formats.date_format(bar.day, "DATE_FORMAT"),
            # Django's "N" is the short month as Danish writes it: "3. dec.", "3. maj".
            axis_label=lambda bar: formats.date_format(bar.day, pgettext("chart date", "j M")),
        ),
        total_registered=sum(bar.count for bar in days),
        checked_in=arrived,
        organisations=stats.top_organisations(event),
        answers=stats.answer_summaries(event),
        sessions=stats.session_rows(event),
    )
    return render(request, "staff/dashboard.html", context)


urlpatterns = [
    path("events/<int:event_id>/dashboard/", staff_view(event_dashboard), name="dashboard"),
]
