"""The registration form as a newcomer meets it: adding rows, staying home, the waiting list,
and the page each kind of registration lands on."""

import re

import pytest
from django.core import mail

from tests.core.pages import url
from tests.factories import EventFactory, register_people
from tests.registrations.test_views import errors, form_data, register_url
from tilmeld.registrations.models import Booking, Participant, Question

pytestmark = pytest.mark.django_db


def test_adding_a_colleague_shows_a_new_row_and_no_errors(client, site):
    event = EventFactory(max_booking_size=5)
    Question.objects.create(event=event, text_da="Kost", kind="text", required=True)
    data = form_data(client, event, email="", consent="", add_colleague="1")

    response = client.post(register_url(event), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Formularen har fejl" not in page
    assert errors(response) == []
    assert 'aria-invalid="true"' not in page
    assert 'name="colleague-TOTAL_FORMS" value="1"' in page
    assert "<legend>Kollega 1</legend>" in page
    assert 'name="name" value="Anne Hansen"' in page
    assert Participant.objects.count() == 0


def test_adding_a_second_colleague_keeps_the_first_as_typed(client, site):
    event = EventFactory(max_booking_size=5)
    data = form_data(client, event, consent="", add_colleague="1", **{
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "not-an-address",
    })  # fmt: skip

    response = client.post(register_url(event), data)

    page = response.content.decode()
    assert errors(response) == []
    assert 'name="colleague-0-email" value="not-an-address"' in page
    assert len(re.findall(r'name="colleague-\d+-name"', page)) == 2


def test_booker_staying_home_skips_their_own_required_answers(client, site):
    event = EventFactory()
    question = Question.objects.create(event=event, text_da="Middag", kind="text", required=True)
    data = form_data(client, event, **{
        "attending": "",
        f"q{question.pk}": "x" * 1001,  # typed before unticking: neither checked nor kept
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
        f"colleague-0-q{question.pk}": "Ja",
    })  # fmt: skip

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    bo = Participant.objects.get()
    assert (bo.name, [a.value for a in bo.answers.all()]) == ("Bo Berg", ["Ja"])


def test_booker_staying_home_still_answers_for_colleagues(client, site):
    event = EventFactory()
    question = Question.objects.create(event=event, text_da="Middag", kind="text", required=True)
    data = form_data(client, event, **{
        "attending": "",
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
    })  # fmt: skip

    response = client.post(register_url(event), data)

    assert response.status_code == 422
    assert errors(response) == ["Dette felt er påkrævet. "]
    assert f'id="id_colleague-0-q{question.pk}_error"' in response.content.decode()


def test_the_booker_own_answers_sit_in_the_block_hidden_when_not_attending(client, site):
    event = EventFactory()
    question = Question.objects.create(event=event, text_da="Middag", kind="text")

    page = client.get(register_url(event)).content.decode()

    own = page.split('<div class="attending-only">', 1)[1].split("</div>\n    </fieldset>", 1)[0]
    assert f'name="q{question.pk}"' in own
    assert 'name="attending"' not in own


@pytest.mark.parametrize(
    ("lang", "label"), [("da", "Skriv dig på ventelisten"), ("en", "Join the waiting list")]
)
def test_waiting_list_form_says_so_on_its_button(client, site, lang, label):
    event = EventFactory(capacity=1, waiting_list_enabled=True)
    register_people(event, "A")

    page = client.get(url("registrations:register", lang, slug=event.slug)).content.decode()

    buttons = re.findall(r"<button[^>]*>([^<]*)</button>", page)

    assert buttons[0] == label  # the hidden one Enter presses
    assert buttons[-1] == label
    assert "Tilmeld" not in buttons and "Register" not in buttons


def test_open_form_button_says_register(client, site):
    event = EventFactory(capacity=5)

    page = client.get(register_url(event)).content.decode()

    buttons = re.findall(r"<button[^>]*>([^<]*)</button>", page)
    assert (buttons[0], buttons[-1]) == ("Tilmeld", "Tilmeld")


def test_group_booking_lands_on_the_booking_page_whose_link_is_mailed(client, site):
    event = EventFactory()
    data = form_data(client, event, **{
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
    })  # fmt: skip

    response = client.post(register_url(event), data)

    booking = Booking.objects.get()
    assert response["Location"] == booking.get_manage_url() + "#main"
    to_anne = [m for m in mail.outbox if m.to == ["Anne Hansen <anne@example.org>"]]
    # Her own confirmation, then the summary with the booking's link.
    assert [booking.get_manage_url() in m.body for m in to_anne] == [False, True]
    landed = client.get(response["Location"]).content.decode()
    assert "Tak. Tilmeldingerne er bekræftet, og hver deltager får en mail." in landed


def test_registering_one_colleague_only_lands_on_the_booking_page(client, site):
    event = EventFactory()
    data = form_data(client, event, **{
        "attending": "",
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
    })  # fmt: skip

    response = client.post(register_url(event), data)

    booking = Booking.objects.get()
    assert response["Location"] == booking.get_manage_url() + "#main"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Anne Hansen <anne@example.org>",
        "Bo Berg <bo@example.org>",
    ]


def test_registering_alone_lands_on_the_page_whose_link_is_mailed(client, site):
    event = EventFactory()

    response = client.post(register_url(event), form_data(client, event))

    anne = Participant.objects.get()
    assert response["Location"] == anne.get_manage_url() + "#main"
    [confirmation] = mail.outbox
    assert anne.get_manage_url() in confirmation.body
    assert Booking.objects.get().get_manage_url() not in confirmation.body
