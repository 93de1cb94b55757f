from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tilmeld.accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from tilmeld.accounts.selectors import note_devices_at_login

        # Remembering at login whether the user has a second factor spares every admin page
        # a query for it; a device set up or removed later updates the same note.
        user_logged_in.connect(note_devices_at_login, dispatch_uid="tilmeld_2fa_note")
