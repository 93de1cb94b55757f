import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import SiteSettingsFactory


@pytest.fixture(autouse=True)
def _danish_by_default():
    """Each test starts in Danish, the site's default language."""
    with translation.override("da"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Site settings are cached; every test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    return SiteSettingsFactory()
