from django.urls import path
from django.utils.translation import gettext_lazy as _

from tilmeld.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path(_("archive/"), views.event_archive, name="archive"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path(_("<slug:slug>/calendar.ics"), views.event_calendar, name="ics"),
]
