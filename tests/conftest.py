import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import SiteSettingsFactory
from tilmeld.registrations import event_cache


@pytest.fixture(autouse=True)
def _danish_by_default():
    """Each test starts in Danish, the site's default language."""
    with translation.override("da"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Site settings and the registration form's event are cached; every test starts without."""
    cache.clear()
    event_cache.clear()
    yield
    cache.clear()
    event_cache.clear()


@pytest.fixture
def site(db):
    return SiteSettingsFactory()
