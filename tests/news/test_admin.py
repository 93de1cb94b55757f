import pytest

from tests.core.pages import content, url
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_article_changelist_loads_for_staff(client, site):
    ArticleFactory(title_da="Synlig i listen")
    ArticleFactory(title_da="Kladde i listen", is_published=False)
    client.force_login(StaffFactory())

    response = client.get(url("admin:news_article_changelist", "en"))

    page = content(response)
    assert response.status_code == 200
    assert "Synlig i listen" in page
    assert "Kladde i listen" in page


@pytest.mark.parametrize(
    ("state", "expected"), [("draft", "Kladde i listen"), ("published", "Synlig")]
)
def test_article_changelist_filters_on_publication_state(client, site, state, expected):
    ArticleFactory(title_da="Synlig")
    ArticleFactory(title_da="Kladde i listen", is_published=False)
    client.force_login(StaffFactory())

    response = client.get(url("admin:news_article_changelist", "en"), {"state": state})

    assert [str(article) for article in response.context["cl"].result_list] == [expected]


def test_article_changelist_sends_visitors_to_the_login(client, site):
    response = client.get(url("admin:news_article_changelist", "en"))

    assert response.status_code == 302
    assert response["Location"].startswith(url("admin:login", "en"))
