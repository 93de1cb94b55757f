from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "tilmeld.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from tilmeld.webhooks import listeners, receivers

        listeners.connect()
        receivers.connect()
