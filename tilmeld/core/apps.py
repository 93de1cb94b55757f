from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tilmeld.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self):
        from django.core import checks
        from django.db.backends.signals import connection_created

        from tilmeld.core import pagecache, ratelimits, sqlite_like

        checks.register(ratelimits.check_rates)
        pagecache.connect()

        connection_created.connect(sqlite_like.install, dispatch_uid="tilmeld-sqlite-like")
