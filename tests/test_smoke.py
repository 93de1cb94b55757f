import pytest

from tests.factories import ArticleFactory, EventFactory


@pytest.mark.django_db
def test_front_page_lists_event_and_article(client, site):
    event = EventFactory(title_da="Bibliotekskonference")
    ArticleFactory(title_da="Ny hjemmeside")

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert event.title in html
    assert "Ny hjemmeside" in html
