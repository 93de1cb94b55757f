"""Staff tools: the dashboard of one event."""

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tilmeld.invoicing.selectors import NO_MONEY, money_per_event
from tilmeld.pricing.models import Option, Price
from tilmeld.registrations.enums import Membership
from tilmeld.registrations.models import Payer
from tilmeld.registrations.selectors import availability
from tilmeld.registrations.services import checkin
from tilmeld.staff import stats
from tilmeld.staff.access import admin_context, event_or_404, staff_view
from tilmeld.staff.charts import bar_chart


def event_dashboard(request, event_id):
    event = event_or_404(event_id)
    counts = stats.cancellations(event)
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
        **money_context(event),
    )
    return render(request, "staff/dashboard.html", context)


def money_context(event) -> dict:
    """What the event's bookings were invoiced, paid and still owe, for an event with prices."""
    if not (
        Price.objects.filter(event=event).exists() or Option.objects.filter(event=event).exists()
    ):
        return {"money": None}
    return {
        "money": money_per_event([event.pk], timezone.localdate()).get(event.pk, NO_MONEY),
        "to_approve": Payer.objects.filter(
            booking__event=event, membership=Membership.CLAIMED
        ).count(),
        "invoices_url": reverse("admin:invoicing_invoice_changelist")
        + f"?booking__event__id__exact={event.pk}",
        "bookings_url": reverse("admin:registrations_booking_changelist")
        + f"?event__id__exact={event.pk}",
    }


urlpatterns = [
    path("events/<int:event_id>/dashboard/", staff_view(event_dashboard), name="dashboard"),
]
