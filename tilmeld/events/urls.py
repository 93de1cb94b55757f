from django.urls import path
from django.utils.translation import gettext_lazy as _

from tilmeld.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path(_("archive/"), views.event_archive, name="archive"),
    path(_("calendar.ics"), views.upcoming_calendar, name="calendar"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path(_("<slug:slug>/calendar.ics"), views.event_calendar, name="ics"),
    path(_("<slug:slug>/programme.pdf"), views.programme_download, name="programme_pdf"),
    path(
        _("<slug:slug>/sessions/<int:pk>/calendar.ics"),
        views.session_calendar,
        name="session_ics",
    ),
]
