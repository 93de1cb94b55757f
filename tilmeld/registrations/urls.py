from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from tilmeld.registrations.views import manage, offer, register


class ManageTokenConverter:
    """A manage link's secret as models.new_token makes it (secrets.token_urlsafe(24)): anything
    else, such as a NUL byte the database refuses, is a 404 before any query."""

    regex = "[A-Za-z0-9_-]{32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ManageTokenConverter, "token")

app_name = "registrations"
# The manage pages show names, e-mail addresses and answers: never_cache sends
# Cache-Control: no-store, so no browser or proxy keeps them (nor the back button of a shared
# computer). The registration form has its own never_cache.
urlpatterns = [
    path(_("events/<slug:slug>/register/"), register.register_view, name="register"),
    path(_("registration/<token:token>/"), never_cache(manage.manage_participant), name="manage"),
    path(
        _("registration/<token:token>/participants/"),
        never_cache(manage.participant_list),
        name="participant_list",
    ),
    path(_("registration/<token:token>/offer/"), never_cache(offer.answer_offer), name="offer"),
    path(_("booking/<token:token>/"), never_cache(manage.manage_booking), name="booking"),
    path(
        _("booking/<token:token>/participant/<int:pk>/substitute/"),
        never_cache(manage.substitute_in_booking),
        name="substitute",
    ),
]
