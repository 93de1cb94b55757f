import datetime as dt
import re
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import EventFactory, register_people
from tilmeld.registrations.models import Booking, Participant, Question

pytestmark = pytest.mark.django_db


def register_url(event):
    return reverse("registrations:register", kwargs={"slug": event.slug})


def form_data(client, event, **fields):
    page = client.get(register_url(event)).content.decode()
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    token = found.group(1) if found else str(uuid.uuid4())
    data = {
        "form_token": token,
        "name": "Anne Hansen",
        "email": "anne@example.org",
        "organisation": "Vejle Bibliotekerne",
        "attending": "on",
        "consent": "on",
        "colleague-TOTAL_FORMS": "0",
        "colleague-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def errors(response):
    return re.findall(r'class="error" id="[^"]+">([^<]+)<', response.content.decode())


def test_register_alone_redirects_to_the_mailed_participant_page(client, site):
    event = EventFactory(capacity=10)

    response = client.post(register_url(event), form_data(client, event))

    anne = Participant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == anne.get_manage_url() + "#main"
    page = client.get(response["Location"]).content.decode()
    assert "Tak. Tilmeldingen er bekræftet" in page
    assert "Anne Hansen" in page
    assert [m.to for m in mail.outbox] == [["Anne Hansen <anne@example.org>"]]


def test_group_registration_creates_each_participant(client, site):
    event = EventFactory()
    data = form_data(client, event, **{
        "colleague-TOTAL_FORMS": "2",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
        "colleague-1-name": "Ea Eskildsen",
        "colleague-1-email": "ea@example.org",
    })  # fmt: skip

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    participants = Participant.objects.order_by("id")
    assert [(p.name, p.organisation) for p in participants] == [
        ("Anne Hansen", "Vejle Bibliotekerne"),
        ("Bo Berg", "Vejle Bibliotekerne"),
        ("Ea Eskildsen", "Vejle Bibliotekerne"),
    ]
    assert len({p.manage_token for p in participants}) == 3


def test_booker_not_attending_registers_only_colleagues(client, site):
    event = EventFactory()
    data = form_data(client, event, **{
        "attending": "", "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg", "colleague-0-email": "bo@example.org",
    })  # fmt: skip

    client.post(register_url(event), data)

    assert list(Participant.objects.values_list("name", flat=True)) == ["Bo Berg"]
    assert Booking.objects.get().booker_email == "anne@example.org"


def test_invalid_input_gets_messages_next_to_fields_and_stores_nothing(client, site):
    event = EventFactory()
    question = Question.objects.create(event=event, text_da="Workshop", kind="text", required=True)
    data = form_data(client, event, email="not-an-address", name="x" * 201, consent="")

    response = client.post(register_url(event), data)

    assert response.status_code == 422
    assert errors(response) == [
        "Denne værdi må højst have 200 tegn (den har 201). ",
        "Indtast en gyldig e-mail-adresse. ",
        "Dette felt er påkrævet. ",
        "Du skal acceptere privatlivsbetingelserne for at tilmelde dig. ",
    ]
    assert f'id="id_q{question.pk}_error"' in response.content.decode()
    assert Participant.objects.count() == 0


def test_too_many_colleagues_are_refused(client, site):
    event = EventFactory(max_booking_size=20)
    data = form_data(client, event, **{"colleague-TOTAL_FORMS": "300"})
    for i in range(300):
        data[f"colleague-{i}-name"] = f"P {i}"
        data[f"colleague-{i}-email"] = f"p{i}@example.org"

    response = client.post(register_url(event), data)

    assert response.status_code == 422
    assert "Du kan højst tilmelde 19 kollegaer ad gangen." in response.content.decode()
    assert Participant.objects.count() == 0


def test_five_hundred_participants_are_a_bad_request(client, site):
    event = EventFactory()
    data = form_data(client, event, **{"colleague-TOTAL_FORMS": "500"})
    for i in range(500):
        data[f"colleague-{i}-name"] = f"P {i}"
        data[f"colleague-{i}-email"] = f"p{i}@example.org"

    response = client.post(register_url(event), data)

    assert response.status_code == 400
    assert "Forespørgslen kunne ikke behandles" in response.content.decode()
    assert Participant.objects.count() == 0


def test_same_email_again_is_refused_and_link_mailed_to_the_address(client, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    mail.outbox.clear()

    response = client.post(register_url(event), form_data(client, event, email="ANNE@example.org"))

    assert response.status_code == 409
    assert "Adressen kan ikke tilmeldes arrangementet igen" in response.content.decode()
    assert anne.manage_token not in response.content.decode()
    assert [m.to for m in mail.outbox] == [["Anne <anne@example.org>"]]
    assert anne.get_manage_url() in mail.outbox[0].body
    assert Participant.objects.count() == 1


def test_double_submitted_form_creates_one_booking(client, site):
    event = EventFactory()
    data = form_data(client, event)

    first = client.post(register_url(event), data)
    second = client.post(register_url(event), data)

    assert first["Location"] == second["Location"]
    assert Participant.objects.count() == 1


def test_posting_when_closed_is_refused(client, site):
    event = EventFactory(registration_opens_at=timezone.now() + dt.timedelta(days=3))
    data = form_data(client, event)

    response = client.post(register_url(event), data)

    assert response.status_code == 409
    assert "Tilmeldingen åbner " in response.content.decode()
    assert Participant.objects.count() == 0


def test_event_page_shows_full_state_and_waiting_list_button(client, site):
    event = EventFactory(capacity=1)
    register_people(event, "A")

    page = client.get(event.get_absolute_url()).content.decode()

    assert "Arrangementet er fuldt." in page
    assert "Skriv dig på ventelisten" in page


def test_event_page_shows_seats_left_when_chosen(client, site):
    event = EventFactory(capacity=5, show_seats_left=True)
    register_people(event, "A", "B")

    page = client.get(event.get_absolute_url()).content.decode()

    assert "3 ledige pladser" in page


def test_manage_link_cancel_before_binding(client, site):
    event = EventFactory(binding_at=timezone.now() + dt.timedelta(days=5))
    [anne] = register_people(event, "Anne")

    asked = client.post(anne.get_manage_url(), {"action": "cancel"})
    anne.refresh_from_db()
    assert anne.status == "confirmed"  # asked once more: it cannot be undone
    assert "Ja, afmeld" in asked.content.decode()

    response = client.post(anne.get_manage_url(), {"action": "cancel", "confirm": "yes"})

    anne.refresh_from_db()
    assert response.status_code == 302
    assert anne.status == "cancelled"
    assert "Din tilmelding er afmeldt." in client.get(anne.get_manage_url()).content.decode()


def test_manage_link_after_binding_offers_substitution_not_cancel(client, site):
    event = EventFactory(binding_at=timezone.now() - dt.timedelta(days=1))
    [anne] = register_people(event, "Anne")

    page = client.get(anne.get_manage_url()).content.decode()
    response = client.post(anne.get_manage_url(), {"action": "cancel"})

    assert "Afmeld min tilmelding" not in page
    assert "Send en kollega i stedet" in page
    assert response.status_code == 409
    anne.refresh_from_db()
    assert anne.status == "confirmed"


def test_substitution_through_manage_link(client, site):
    event = EventFactory(binding_at=timezone.now() - dt.timedelta(days=1))
    [anne] = register_people(event, "Anne")
    mail.outbox.clear()

    response = client.post(
        anne.get_manage_url(),
        {"action": "substitute", "sub-name": "Bo Berg", "sub-email": "bo@example.org"},
    )

    bo = Participant.objects.get(email="bo@example.org")
    assert response.status_code == 200
    assert bo.status == "confirmed"
    assert client.get(anne.get_manage_url()).status_code == 410
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Anne <anne@example.org>",
        "Bo Berg <bo@example.org>",
    ]


def test_forged_manage_link_is_404(client, site):
    response = client.get(reverse("registrations:manage", kwargs={"token": "x" * 32}))
    assert response.status_code == 404


def test_edit_details_through_manage_link(client, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")

    client.post(
        anne.get_manage_url(),
        {"action": "edit", "edit-name": "Anne Hansen", "edit-email": anne.email},
    )

    anne.refresh_from_db()
    assert anne.name == "Anne Hansen"
    assert anne.changes.last().changes["name"] == ["Anne", "Anne Hansen"]


def test_hostile_name_is_escaped_in_page_and_mail(client, site):
    event = EventFactory()
    client.post(register_url(event), form_data(client, event, name="<script>alert(1)</script>"))

    booking = Booking.objects.get()
    page = client.get(booking.get_manage_url()).content.decode()
    html_mail = mail.outbox[0].alternatives[0][0]

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in html_mail


def test_booking_page_cancels_one_participant(client, site):
    event = EventFactory()
    anne, bo = register_people(event, "Anne", "Bo")

    asked = client.post(anne.booking.get_manage_url(), {"action": "cancel", "participant": bo.pk})
    bo.refresh_from_db()
    assert bo.status == "confirmed"  # asked once more: it cannot be undone
    assert "Vil du afmelde tilmeldingen for Bo?" in asked.content.decode()

    client.post(
        anne.booking.get_manage_url(), {"action": "cancel", "participant": bo.pk, "confirm": "yes"}
    )

    bo.refresh_from_db()
    assert bo.status == "cancelled"


@pytest.mark.parametrize("count", [1, 3])
def test_register_page_query_count_does_not_grow(client, site, django_assert_num_queries, count):
    event = EventFactory()
    for i in range(count):
        Question.objects.create(event=event, text_da=f"Spørgsmål {i}", kind="text")
    register_people(event, *[f"P{i}" for i in range(count)])
    client.get(reverse("events:list"))  # site settings and footer links are cached from now on

    # event with venue, questions, session slots, prices, options, seat count, the current
    # privacy policy and terms
    with django_assert_num_queries(7):
        page = client.get(register_url(event)).content.decode()

    assert [f"Spørgsmål {i}" in page for i in range(count)] == [True] * count


@pytest.mark.parametrize("count", [1, 3])
def test_event_list_shows_full_badge_without_extra_queries(
    client, site, django_assert_num_queries, count
):
    for _ in range(count):
        event = EventFactory(capacity=1)
        register_people(event, f"P{event.pk}")

    client.get(reverse("news:list"))  # site settings and footer links are cached from now on

    # paginator count, events with venue, organiser and seat count, co-organisers, the next
    # instant the list changes by the clock
    with django_assert_num_queries(4):
        page = client.get(reverse("events:list")).content.decode()

    assert page.count("Fuldt: venteliste") == count


def test_error_summary_links_to_each_field_and_marks_the_title(client, site):
    event = EventFactory()
    data = form_data(client, event, email="nope", form_token="")

    response = client.post(register_url(event), data)

    page = response.content.decode()
    assert "<title>Fejl: Tilmelding:" in page
    assert '<a href="#id_email">E-mail: Indtast en gyldig e-mail-adresse.</a>' in page
    assert "Formular: Formularen var ufuldstændig. Genindlæs siden, og prøv igen." in page


def test_shared_form_page_gives_each_visitor_fresh_tokens(site):
    from django.test import Client

    event = EventFactory()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    pages = [c.get(register_url(event)) for c in (first, second)]

    tokens = [
        re.search(r'name="form_token" value="([^"]+)"', p.content.decode()).group(1) for p in pages
    ]
    csrf = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p.content.decode()).group(1)
        for p in pages
    ]
    assert len(set(tokens)) == 2 and len(set(csrf)) == 2
    assert "c0ffe" not in pages[1].content.decode()
    assert "no-store" in pages[1]["Cache-Control"]
    assert all(p.cookies.get("csrftoken") for p in pages)
    data = {
        "csrfmiddlewaretoken": csrf[1],
        "form_token": tokens[1],
        "name": "Bo",
        "email": "bo@example.org",
        "attending": "on",
        "consent": "on",
        "colleague-TOTAL_FORMS": "0",
        "colleague-INITIAL_FORMS": "0",
    }
    assert second.post(register_url(event), data).status_code == 302


def test_manage_page_shows_saved_answers_and_booking_page_one_empty_row(client, site):
    from tilmeld.registrations.services.booking import Booker, Person, register

    event = EventFactory()
    dinner = Question.objects.create(event=event, text_da="Middag?", kind="yes_no")
    booking = register(
        event,
        booker=Booker("Anne", "anne@example.org"),
        people=[Person("Anne", "anne@example.org", answers={dinner.pk: False})],
        language="da",
    )
    anne = booking.participants.get()

    manage = client.get(anne.get_manage_url()).content.decode()
    booking_page = client.get(booking.get_manage_url()).content.decode()

    assert re.search(rf'name="edit-q{dinner.pk}" value="no"[^>]*checked', manage)
    assert booking_page.count("<legend>Kollega</legend>") == 1


def test_english_form_shows_translated_choices_and_stores_the_danish_value(client, site):
    event = EventFactory()
    question = Question.objects.create(
        event=event,
        text_da="Kost",
        text_en="Diet",
        kind="multiple",
        choices_da="Vegetar\nGlutenfri\nLaktosefri",
        choices_en="Vegetarian\nGluten-free",  # the third line is not translated yet
    )
    with translation.override("en"):
        url = register_url(event)
        page = client.get(url).content.decode()
        data = form_data(client, event, **{f"q{question.pk}": ["Vegetar", "Laktosefri"]})

        response = client.post(url, data)

    assert 'value="Vegetar"' in page and ">Vegetarian<" in page.replace("\n", "")
    assert "Gluten-free" in page and "Laktosefri" in page  # untranslated lines show Danish
    assert response.status_code == 302
    answer = Participant.objects.get().answers.get()
    assert answer.value == ["Vegetar", "Laktosefri"]
    with translation.override("en"):
        assert question.choice_label("Vegetar") == "Vegetarian"
    assert question.choice_label("Vegetar") == "Vegetar"


@pytest.mark.parametrize("rows", [1, 2, 5])
def test_the_form_opens_with_as_many_colleague_rows_as_asked_for(client, site, rows):
    event = EventFactory(max_booking_size=10)

    page = client.get(register_url(event) + f"?colleagues={rows}").content.decode()

    assert f'name="colleague-TOTAL_FORMS" value="{rows}"' in page
    assert len(re.findall(r'name="colleague-\d+-name"', page)) == rows


def test_colleague_rows_left_empty_are_skipped(client, site):
    event = EventFactory(max_booking_size=10)
    client.get(register_url(event) + "?colleagues=2")
    data = form_data(client, event, **{"colleague-TOTAL_FORMS": "2"})

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    assert list(Participant.objects.values_list("email", flat=True)) == ["anne@example.org"]


def test_the_error_summary_lists_the_errors_in_the_order_of_the_form(client, site):
    from tests.registrations.test_sessions import three_workshops

    event = EventFactory()
    three_workshops(event)
    Question.objects.create(event=event, text_da="Middag", kind="yes_no", required=True)
    data = form_data(client, event, name="", consent="")

    page = client.post(register_url(event), data).content.decode()

    summary = page.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a href="#id_(\w+?)(?:_0)?">', summary)
    assert links[0] == "name"
    assert links[-1] == "consent"
    assert links.index("session_0") < links.index(f"q{Question.objects.get().pk}")
