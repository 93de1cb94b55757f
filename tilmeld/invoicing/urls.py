from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from tilmeld.invoicing import views
from tilmeld.registrations import urls as registration_urls  # noqa: F401  (the token converter)

app_name = "invoicing"
# never_cache: Cache-Control no-store, as for the pages the links are on.
urlpatterns = [
    path(
        _("booking/<token:token>/invoice/<int:pk>.pdf"),
        never_cache(views.booking_invoice_pdf),
        name="booking_pdf",
    ),
    path(
        _("registration/<token:token>/invoice/<int:pk>.pdf"),
        never_cache(views.participant_invoice_pdf),
        name="participant_pdf",
    ),
]
