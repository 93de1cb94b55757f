import html
import re

import pytest
from django.core import mail

from tests.core.pages import content, url
from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.registrations.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, site):
    client.force_login(StaffFactory())
    return client


def page_text(response) -> str:
    """The visible words of the page's main part, the submit button's words included."""
    page = content(response)
    main = page[page.index('id="content-main"') :].split("</form>", 1)[0]
    main = re.sub(r'<input type="submit"[^>]*value="([^"]*)"[^>]*>', r" \1 ", main)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])).split())


def statuses(event) -> dict[str, str]:
    return dict(Participant.objects.filter(event=event).values_list("name", "status"))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "da",
            "Disse 2 tilmeldinger bliver afmeldt: "
            "Navn E-mail Arrangement Status "
            "Anne anne@example.org Årsmøde Bekræftet "
            "Bo bo@example.org Årsmøde Bekræftet "
            "Hver deltager får en mail om, at tilmeldingen er afmeldt. "
            "Hver ledig plads går til den første på ventelisten, som får en mail om pladsen. "
            "Ja, afmeld tilmeldingerne Nej, gå tilbage",
        ),
        (
            "en",
            "These 2 registrations will be cancelled: "
            "Name E-mail Event Status "
            "Anne anne@example.org Årsmøde Confirmed "
            "Bo bo@example.org Årsmøde Confirmed "
            "Each person is told by mail that the registration is cancelled. "
            "Each freed seat goes to the first on the waiting list, who is mailed about the seat. "
            "Yes, cancel the registrations No, go back",
        ),
    ],
)
def test_cancel_action_first_asks_and_changes_nothing(staff_client, lang, expected):
    event = EventFactory(title_da="Årsmøde", title_en="", capacity=2)
    anne, bo, _cai = register_people(event, "Anne", "Bo", "Cai")
    mail.outbox.clear()
    changelist = (
        url("admin:registrations_participant_changelist", lang) + "?status__exact=confirmed"
    )

    response = staff_client.post(
        changelist, {"action": "cancel_selected", "_selected_action": [anne.pk, bo.pk]}
    )

    page = content(response)
    assert page_text(response) == expected
    assert re.findall(r'name="_selected_action" value="(\d+)"', page) == [str(anne.pk), str(bo.pk)]
    assert f'href="{changelist}" class="button cancel-link"' in page.replace("&amp;", "&")
    assert statuses(event) == {"Anne": "confirmed", "Bo": "confirmed", "Cai": "waiting"}
    assert mail.outbox == []


def test_cancel_action_confirmed_cancels_mails_and_moves_the_waiting_list(staff_client):
    event = EventFactory(capacity=2)
    anne, _bo, _cai = register_people(event, "Anne", "Bo", "Cai")
    mail.outbox.clear()

    response = staff_client.post(
        url("admin:registrations_participant_changelist"),
        {"action": "cancel_selected", "_selected_action": [anne.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert statuses(event) == {"Anne": "cancelled", "Bo": "confirmed", "Cai": "offered"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Anne <anne@example.org>",
        "Cai <cai@example.org>",
    ]


def test_cancel_action_on_cancelled_registrations_offers_only_going_back(staff_client):
    event = EventFactory(capacity=2, waiting_list_enabled=False)
    [anne] = register_people(event, "Anne")
    staff_client.post(
        url("admin:registrations_participant_changelist"),
        {"action": "cancel_selected", "_selected_action": [anne.pk], "post": "yes"},
    )

    response = staff_client.post(
        url("admin:registrations_participant_changelist"),
        {"action": "cancel_selected", "_selected_action": [anne.pk]},
    )

    assert page_text(response) == (
        "Ingen af de valgte tilmeldinger er aktive: der er intet at afmelde. "
        "En af de valgte er allerede afmeldt eller overdraget og forbliver, som den er. "
        "Nej, gå tilbage"
    )
