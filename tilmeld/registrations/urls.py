from django.urls import path
from django.utils.translation import gettext_lazy as _

from tilmeld.registrations.views import manage, offer, register

app_name = "registrations"
urlpatterns = [
    path(_("events/<slug:slug>/register/"), register.register_view, name="register"),
    path(_("registration/<str:token>/"), manage.manage_participant, name="manage"),
    path(_("registration/<str:token>/offer/"), offer.answer_offer, name="offer"),
    path(_("booking/<str:token>/"), manage.manage_booking, name="booking"),
    path(
        _("booking/<str:token>/participant/<int:pk>/substitute/"),
        manage.substitute_in_booking,
        name="substitute",
    ),
]
