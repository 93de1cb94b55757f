import signal

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.utils import translation

from tests.factories import SiteSettingsFactory
from tilmeld.core import pagecache
from tilmeld.webhooks import listeners


@pytest.fixture(autouse=True)
def _danish_by_default():
    """Each test starts in Danish, the site's default language."""
    with translation.override("da"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Public pages, site settings, the registration form's event and the webhook subscriptions
    are cached, and rate limits count in a cache of their own; every test starts without."""
    cache.clear()
    caches["ratelimit"].clear()
    pagecache.clear_local()
    listeners.clear()
    yield
    cache.clear()
    caches["ratelimit"].clear()
    pagecache.clear_local()
    listeners.clear()


@pytest.fixture
def site(db):
    return SiteSettingsFactory()


@pytest.fixture
def run_worker():
    """Runs the real worker until the queue holds nothing due, as `manage.py db_worker --batch`
    (which first runs its sweeps: stuck mail, offers past their deadline)."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {number: signal.getsignal(number) for number in signals}

    def run():
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    yield run
    for number, handler in saved.items():  # the worker installs its own shutdown handlers
        signal.signal(number, handler)
