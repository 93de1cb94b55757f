"""Names and other one-line details are stored and shown on one line, in reading order: a line
break typed into a name must not start a new line in a mail ("Kære a" / "Bcc: …"), and a
right-to-left override must not turn a badge around. Whatever way they come in."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import EventFactory, StaffFactory, UserFactory, register_people
from tests.registrations.test_views import form_data, register_url
from tilmeld.registrations.models import Booking, Participant
from tilmeld.registrations.services.booking import Booker, Person, register

pytestmark = pytest.mark.django_db

INJECTED = "a\r\nBcc: x@y"
REVERSED = "\u202eevil"


def _colleague(name: str, email: str, **fields) -> dict:
    return {
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": name,
        "colleague-0-email": email,
        **{f"colleague-0-{key}": value for key, value in fields.items()},
    }


def test_registration_stores_names_without_line_breaks_or_direction_overrides(client, site):
    event = EventFactory()
    data = form_data(
        client,
        event,
        name=INJECTED,
        organisation="Vejle\tBibliotekerne\u2066",
        job_title="Bibliotekar\u200f\n",
        phone="\u202d75 72 31 00",
        **_colleague(REVERSED, "eve@example.org", organisation="\u202eOdense\r"),
    )

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.booker_name, booking.booker_organisation, booking.booker_phone) == (
        "a Bcc: x@y",
        "Vejle Bibliotekerne",
        "75 72 31 00",
    )
    details = Participant.objects.order_by("id").values_list(
        "name", "organisation", "job_title", "phone"
    )
    assert list(details) == [
        ("a Bcc: x@y", "Vejle Bibliotekerne", "Bibliotekar", "75 72 31 00"),
        ("evil", "Odense", "", ""),
    ]


def test_mail_to_a_name_typed_with_a_line_break_greets_on_one_line(client, site):
    event = EventFactory()

    client.post(register_url(event), form_data(client, event, name=INJECTED))

    [message] = mail.outbox
    assert message.to == ['"a Bcc: x@y" <anne@example.org>']
    assert message.bcc == []
    assert message.body.startswith("Kære a Bcc: x@y\n")
    assert "\r" not in message.body.split("\n", 1)[0]
    html = message.alternatives[0][0]
    assert "Kære a Bcc: x@y" in html


def test_badge_shows_a_name_typed_with_a_direction_override_in_reading_order(client, site):
    event = EventFactory()
    client.post(
        register_url(event),
        form_data(client, event, name=f"{REVERSED} Hansen", organisation="\u202eOdense"),
    )
    client.force_login(StaffFactory())

    response = client.get(reverse("staff:badges", kwargs={"event_id": event.pk}))

    [page] = [
        re.sub(r"\s+", " ", p.extract_text()).strip()
        for p in PdfReader(io.BytesIO(response.content)).pages
    ]
    assert page.endswith("evil Hansen Odense")
    assert "\u202e".encode() not in response.content


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("a\r\nBcc: x@y", "a Bcc: x@y"),
        ("\u202eevil", "evil"),
        ("\u202aa\u202bb\u202cc\u2066d\u2067e\u2068f\u2069g\u200eh\u200fi\u061cj", "abcdefghij"),
        ("An\x00ne\x07 \x1b[31mHansen\x7f\x85", "An ne [31mHansen"),
        ("  Anne\u2028\u2029Hansen\t ", "Anne Hansen"),
        ("Ska\u030ane", "Skåne"),  # NFC: å as one character, as a search for "å" finds it
    ],
)
def test_person_from_any_caller_is_cleaned_to_one_line(typed, stored):
    person = Person(name=typed, email=" anne@example.org\n", organisation=typed, phone=typed)
    booker = Booker(typed, "\u202eanne@example.org\r\n", typed, typed)

    assert (person.name, person.organisation, person.job_title) == (stored, stored, "")
    assert (booker.name, booker.organisation, booker.phone) == (stored, stored, stored)
    assert (person.email, person.phone, booker.email) == (
        "anne@example.org",
        stored,
        "anne@example.org",
    )


def test_service_stores_the_cleaned_details_of_a_caller_without_a_form(site):
    event = EventFactory()

    booking = register(
        event,
        booker=Booker(INJECTED, "a@example.org"),
        people=[Person(REVERSED, "eve@example.org", job_title="Chef\r\nBcc: y@z")],
        language="da",
    )

    assert booking.booker_name == "a Bcc: x@y"
    assert list(booking.participants.values_list("name", "job_title")) == [
        ("evil", "Chef Bcc: y@z")
    ]


def test_manage_page_edit_stores_the_cleaned_name(client, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")

    client.post(
        anne.get_manage_url(),
        {"action": "edit", "edit-name": INJECTED, "edit-email": anne.email},
    )

    anne.refresh_from_db()
    assert anne.name == "a Bcc: x@y"


def test_hand_over_on_the_booking_page_stores_the_cleaned_name(client, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    url = f"{anne.booking.get_manage_url()}deltager/{anne.pk}/overdrag/"

    response = client.post(url, {"sub-name": REVERSED, "sub-email": "eve@example.org"})

    assert response.status_code == 302
    assert Participant.objects.get(email="eve@example.org").name == "evil"


def test_staff_edit_of_a_participant_in_the_admin_stores_the_cleaned_details(client, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:registrations_participant_change", args=[anne.pk])

    response = client.post(
        url,
        {
            "name": INJECTED,
            "email": "anne@example.org",
            "organisation": "\u202eOdense",
            "job_title": "",
            "phone": "",
            **{
                f"{prefix}-{key}": "0"
                for prefix in ("session_choices", "answers", "changes")
                for key in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )

    assert response.status_code == 302
    anne.refresh_from_db()
    assert (anne.name, anne.organisation) == ("a Bcc: x@y", "Odense")


def test_free_text_answer_with_a_nul_byte_is_refused_with_a_message(client, site):
    event = EventFactory()
    question = event.questions.create(text_da="Kost", kind="text", required=False)

    response = client.post(
        register_url(event), form_data(client, event, **{f"q{question.pk}": "vegan\x00"})
    )

    assert response.status_code == 422
    assert "Null-tegn er ikke tilladte." in response.content.decode()
    assert not Participant.objects.exists()


def test_staff_registration_in_the_admin_stores_the_cleaned_details(client, site):
    event = EventFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {
        "event": event.pk,
        "name": INJECTED,
        "email": "gaest@example.org\r\n",
        "organisation": "\u202eOdense",
        "language": "da",
    }

    response = client.post(reverse("admin:registrations_participant_register"), data)

    assert response.status_code == 302
    guest = Participant.objects.get()
    assert (guest.name, guest.email, guest.organisation) == (
        "a Bcc: x@y",
        "gaest@example.org",
        "Odense",
    )
    assert guest.booking.booker_name == "a Bcc: x@y"


def test_registration_with_a_nul_byte_in_the_name_and_email_is_stored_without_it(client, site):
    # PostgreSQL refuses NUL in text; it goes as every control character does (Django's own
    # CharField refused it with »Null-tegn er ikke tilladte.«, a puzzle to the person typing).
    event = EventFactory()

    response = client.post(
        register_url(event),
        form_data(client, event, name="Anne\x00", email="anne@example.org\x00"),
    )

    assert response.status_code == 302
    assert list(Participant.objects.values_list("name", "email")) == [("Anne", "anne@example.org")]
