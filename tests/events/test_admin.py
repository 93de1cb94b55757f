import re

import pytest

from tests.core.pages import content, url
from tests.factories import EventFactory, StaffFactory
from tilmeld.events.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, site):
    client.force_login(StaffFactory())
    return client


def post_add_form(client, lang="en", **changes):
    """Posts the admin's add-event form as a browser would: a one-day event on 23 May 2016.

    Fields with a fixed default (a ticked box, a number) and the inlines' empty management forms
    are sent as the untouched form has them, so fields added later need no change here.
    """
    add_url = url("admin:events_event_add", lang)
    form_page = client.get(add_url)
    data = {"_save": "Save"}
    for field in Event._meta.concrete_fields:
        if field.has_default() and not callable(field.default):
            if field.default is True:
                data[field.name] = "on"
            elif field.default not in (False, None, ""):
                data[field.name] = str(field.default)
    for inline in form_page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {
        "title_da": "Konference",
        "slug": "konference",
        "starts_at_0": "2016-05-23",
        "starts_at_1": "09:30",
        "ends_at_0": "2016-05-23",
        "ends_at_1": "16:00",
        "registration_opens_at_0": "2016-04-18",
        "registration_opens_at_1": "12:00",
        "registration_closes_at_0": "2016-05-18",
        "registration_closes_at_1": "12:00",
        "published_at_0": "2016-04-18",
        "published_at_1": "10:00",
    }
    return client.post(add_url, data | changes)


def field_errors(page: str, field: str) -> list[str]:
    """The error messages shown right before the field's own input in the admin form."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>.*?<input [^>]*name="([^"]+)"',
        page,
        re.DOTALL,
    )
    if match is None or match.group(2) != f"{field}_0":
        return []
    return re.findall(r"<li>(.*?)</li>", match.group(1))


def test_admin_saves_a_valid_event(staff_client):
    response = post_add_form(staff_client)

    assert response.status_code == 302
    assert list(Event.objects.values_list("title_da", "slug")) == [("Konference", "konference")]


def test_admin_refuses_an_event_that_ends_before_it_starts(staff_client):
    response = post_add_form(staff_client, ends_at_1="08:00")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_at": ["The event cannot end before it starts."]
    }
    assert field_errors(content(response), "ends_at") == ["The event cannot end before it starts."]
    assert Event.objects.count() == 0


def test_admin_refuses_registration_closing_after_the_event_ends(staff_client):
    response = post_add_form(staff_client, registration_closes_at_0="2016-05-24")

    assert response.context["adminform"].form.errors == {
        "registration_closes_at": ["Registration cannot close after the event ends."]
    }
    assert field_errors(content(response), "registration_closes_at") == [
        "Registration cannot close after the event ends."
    ]
    assert Event.objects.count() == 0


def test_event_changelist_loads_for_staff(staff_client):
    EventFactory(title_da="Konference i listen")
    EventFactory(title_da="Kladde i listen", is_published=False)

    response = staff_client.get(url("admin:events_event_changelist", "en"))

    page = content(response)
    assert response.status_code == 200
    assert "Konference i listen" in page
    assert "Kladde i listen" in page


@pytest.mark.parametrize("model", ["organisation", "venue"])
def test_organisation_and_venue_changelists_load_for_staff(staff_client, model):
    EventFactory()

    response = staff_client.get(url(f"admin:events_{model}_changelist", "en"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
