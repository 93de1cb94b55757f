from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "tilmeld.invoicing"
    label = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self):
        from tilmeld.invoicing import tasks
        from tilmeld.registrations.signals import booking_changed

        booking_changed.connect(tasks.booking_changed, dispatch_uid="invoicing-settle")
