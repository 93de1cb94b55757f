import pytest

from tests.core.pages import content, url
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db

UNKNOWN = [
    ("news:detail", {"slug": "findes-ikke"}),
    ("events:detail", {"slug": "findes-ikke"}),
    ("events:ics", {"slug": "findes-ikke"}),
    ("page", {"slug": "findes-ikke"}),
]


@pytest.mark.parametrize(("name", "kwargs"), UNKNOWN)
def test_unknown_slug_shows_the_sites_own_404_page(client, site, name, kwargs):
    response = client.get(url(name, "en", **kwargs))

    page = content(response)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert '<p><a href="/en/">Go to the front page</a>' in page


@pytest.mark.parametrize(("name", "kwargs"), UNKNOWN)
def test_unknown_slug_in_danish_links_to_the_danish_front_page(client, site, name, kwargs):
    response = client.get(url(name, "da", **kwargs))

    assert response.status_code == 404
    assert f'<p><a href="{url("home")}">' in content(response)


def test_unknown_path_shows_the_404_page(client, site):
    response = client.get(url("news:list", "en") + "a/b/c/")

    assert response.status_code == 404
    assert '<p><a href="/en/">Go to the front page</a>' in content(response)


def test_page_shows_its_markdown_text(client, site):
    PageFactory(title_da="Privatlivspolitik", slug="privatliv", body_da="Vi gemmer **intet**.")

    response = client.get(url("page", slug="privatliv"))

    page = content(response)
    assert response.status_code == 200
    assert "<h1>Privatlivspolitik</h1>" in page
    assert "<p>Vi gemmer <strong>intet</strong>.</p>" in page
