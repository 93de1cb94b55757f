from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tilmeld.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self):
        from django.db.backends.signals import connection_created

        from tilmeld.core import sqlite_like

        connection_created.connect(sqlite_like.install, dispatch_uid="tilmeld-sqlite-like")
