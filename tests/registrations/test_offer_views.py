"""The offer as the participant meets it: the mailed links, the page, the answer."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import EventFactory, SessionFactory, register_people
from tilmeld.core.dates import datetime_text
from tilmeld.registrations.models import Participant, SeatCount, SessionChoice, SessionSeats
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def offered(**fields):
    event = EventFactory(capacity=1, **fields)
    anne, bo = register_people(event, "Anne", "Bo")
    cancel_registration(anne)
    bo.refresh_from_db()
    mail.outbox.clear()
    return event, bo


def test_the_offer_page_shows_the_deadline_and_both_answers(client, site):
    _event, bo = offered()

    page = text(client.get(bo.get_offer_url()))

    deadline = datetime_text(bo.offer_expires_at)
    assert (
        f"Der er blevet en plads ledig, og den bliver tilbudt dig. Svar senest {deadline}." in page
    )
    assert "Sig ja til pladsen" in page
    assert "Sig nej tak til pladsen" in page


def test_opening_the_mailed_links_answers_nothing(client, site):
    """A mail scanner following both links changes nothing: only the page's buttons answer."""
    _event, bo = offered()

    client.get(bo.get_offer_url())
    decline_page = client.get(bo.get_offer_url() + "?answer=decline")

    bo.refresh_from_db()
    assert bo.status == "offered"
    assert "Pladsen går videre til den næste i køen, og du forlader ventelisten." in text(
        decline_page
    )


def test_accepting_on_the_page_confirms_and_the_same_link_twice_changes_nothing(client, site):
    event, bo = offered()

    first = client.post(bo.get_offer_url(), {"action": "accept"})
    again = client.post(bo.get_offer_url(), {"action": "accept"}, follow=True)

    bo.refresh_from_db()
    assert (first.status_code, first["Location"]) == (302, bo.get_manage_url())
    assert bo.status == "confirmed"
    assert "Du har sagt ja til pladsen. Din tilmelding er bekræftet." in text(again)
    assert SeatCount.objects.get(pk=event.pk).confirmed == 1
    assert [m.subject for m in mail.outbox] == [f"Du har fået en plads: {event.title}"]


def test_declining_on_the_page_tells_the_person_and_ends_the_registration(client, site):
    event, bo = offered()

    response = client.post(bo.get_offer_url(), {"action": "decline"}, follow=True)

    bo.refresh_from_db()
    assert bo.status == "cancelled"
    assert "Du har sagt nej tak til pladsen. Tak, fordi du gav besked." in text(response)
    assert [m.subject for m in mail.outbox] == [f"Du har sagt nej tak til pladsen: {event.title}"]


def test_an_expired_offer_cannot_be_accepted_on_the_page(client, site):
    _event, bo = offered()

    with time_machine.travel(bo.offer_expires_at + dt.timedelta(minutes=1)):
        response = client.post(bo.get_offer_url(), {"action": "accept"})

    bo.refresh_from_db()
    assert bo.status == "offered"  # withdrawn by the worker, not by the page
    assert "Tilbuddet udløb" in text(response)


def test_the_manage_page_shows_the_open_offer(client, site):
    _event, bo = offered()

    page = text(client.get(bo.get_manage_url()))

    assert "Bo : Tilbudt en plads" in page
    assert f"Svar senest {datetime_text(bo.offer_expires_at)}; uden svar" in page


def workshops(event, capacity):
    return [
        SessionFactory(event=event, title_da=f"Workshop {letter}", capacity=capacity)
        for letter in "AB"
    ]


def test_accepting_chooses_among_sessions_with_a_seat_and_keeps_a_wish_with_room(client, site):
    event = EventFactory(capacity=2)
    a, b = workshops(event, capacity=1)
    register(
        event,
        booker=Booker("Anne", "anne@example.org"),
        people=[Person("Anne", "anne@example.org", sessions=[a.pk])],
        language="da",
    )
    register(
        event,
        booker=Booker("Carl", "carl@example.org"),
        people=[Person("Carl", "carl@example.org", sessions=[b.pk])],
        language="da",
    )
    bo = register(
        event,
        booker=Booker("Bo", "bo@example.org"),
        people=[Person("Bo", "bo@example.org", sessions=[a.pk])],  # a wish: A is full
        language="da",
    ).participants.get()
    cancel_registration(Participant.objects.get(name="Carl"))  # frees a seat, and one in B
    bo.refresh_from_db()

    page = client.get(bo.get_offer_url()).content.decode()
    full_a = client.post(bo.get_offer_url(), {"action": "accept", "offer-session_0": a.pk})
    bo.refresh_from_db()
    still_offered = bo.status
    accepted = client.post(bo.get_offer_url(), {"action": "accept", "offer-session_0": b.pk})

    assert radio(page, a) == ("Workshop A – fuldt", "disabled")
    assert radio(page, b) == ("Workshop B – 1 ledig plads", "")  # the full wish is not chosen
    assert (full_a.status_code, still_offered) == (409, "offered")
    assert "»Workshop A« er fuldt." in full_a.content.decode()
    assert accepted.status_code == 302
    assert list(
        SessionChoice.objects.filter(participant=bo).values_list("session", "holds_seat")
    ) == [(b.pk, True)]
    assert SessionSeats.objects.get(session=b).taken == 1


def radio(page: str, session) -> tuple[str, str]:
    """A session's radio button on a page: its label and whether it is disabled or checked."""
    tag = re.search(rf'<input type="radio"[^>]*value="{session.pk}"[^>]*>', page).group()
    field_id = re.search(r'id="([^"]+)"', tag).group(1)
    label = re.search(rf'<label for="{field_id}">([^<]*)<', page)
    state = "disabled" if "disabled" in tag else "checked" if "checked" in tag else ""
    return label.group(1), state


def test_accepting_preselects_a_wish_that_still_has_a_seat(client, site):
    event = EventFactory(capacity=1)
    a, b = workshops(event, capacity=5)
    [anne] = register_people_with(event, ("Anne", a))
    [bo] = register_people_with(event, ("Bo", b))  # waits, wishing for B
    cancel_registration(anne)
    bo.refresh_from_db()

    page = client.get(bo.get_offer_url()).content.decode()

    assert radio(page, b) == ("Workshop B – 5 ledige pladser", "checked")
    assert radio(page, a) == ("Workshop A – 5 ledige pladser", "")


def register_people_with(event, *people):
    """(name, session) pairs, each registered on their own; returns the participants."""
    return [
        register(
            event,
            booker=Booker(name, f"{name.lower()}@example.org"),
            people=[Person(name, f"{name.lower()}@example.org", sessions=[session.pk])],
            language="da",
        ).participants.get()
        for name, session in people
    ]


def test_a_full_event_takes_session_wishes_among_full_sessions(client, site):
    """The demo conference's shape: the sessions fill exactly when the event does."""
    event = EventFactory(capacity=2)
    a, b = workshops(event, capacity=1)
    for name, session in (("Anne", a), ("Bo", b)):
        register(
            event,
            booker=Booker(name, f"{name.lower()}@example.org"),
            people=[Person(name, f"{name.lower()}@example.org", sessions=[session.pk])],
            language="da",
        )
    url = reverse("registrations:register", kwargs={"slug": event.slug})

    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Cai",
            "email": "cai@example.org",
            "attending": "on",
            "consent": "on",
            "session_0": a.pk,
            "form_token": "7f1f5f7e-2f7e-4c8a-9c1e-0d6c1b2a3b4c",
            "colleague-TOTAL_FORMS": "0",
            "colleague-INITIAL_FORMS": "0",
        },
    )

    assert "Workshop A – fuldt nu, du kan stadig ønske det" in form
    assert "disabled" not in re.search(rf'<input[^>]*value="{a.pk}"[^>]*>', form).group()
    assert response.status_code == 302
    cai = Participant.objects.get(name="Cai")
    assert cai.status == "waiting"
    assert list(cai.session_choices.values_list("session", "holds_seat")) == [(a.pk, False)]


def test_the_event_page_and_dashboard_count_offered_seats_apart(client, admin_client, site):
    event = EventFactory(capacity=2)
    anne, bo = register_people(event, "Anne", "Bo")
    register_people(event, "Cai")
    register_people(event, "Dea")
    register_people(event, "Eva")
    cancel_registration(anne)
    cancel_registration(bo)

    page = text(client.get(event.get_absolute_url()))
    dashboard = text(admin_client.get(reverse("staff:dashboard", kwargs={"event_id": event.pk})))

    assert "1 på ventelisten · 2 pladser tilbudt, afventer svar" in page
    assert (
        "0 / 2 bekræftede ud af kapaciteten 2 tilbudt en plads, afventer svar 1 på venteliste"
        in (dashboard)
    )


def test_the_offer_mail_in_english(site):
    event = EventFactory(capacity=1, title_en="Libraries' day")
    [anne] = register_people(event, "Anne")
    [bo] = register_people(event, "Bo", language="en")
    mail.outbox.clear()

    cancel_registration(anne)

    [_cancelled, offer] = mail.outbox
    bo.refresh_from_db()
    with translation.override("en"):
        deadline = datetime_text(bo.offer_expires_at)
    body = " ".join(offer.body.split())
    assert offer.subject == f"A seat for you: Libraries' day (answer by {deadline})"
    assert "Good news: there is a seat for you at Libraries' day if you want it." in body
    assert f"/en/registration/{bo.manage_token}/offer/?answer=decline" in body


def test_an_offer_mail_sent_late_keeps_its_deadline_and_its_page_says_what_happened(
    client, site, settings
):
    """The mail is rendered when the worker sends it; staff may have moved the person up
    meanwhile. It says what was offered, and its link leads to the registration as it is."""
    from tests.factories import StaffFactory
    from tilmeld.mail.models import OutboxMessage
    from tilmeld.mail.tasks import send_message
    from tilmeld.registrations.services.changes import promote_participant

    settings.TASKS = {"default": {"BACKEND": "tilmeld.mail.backend.OutboxTaskBackend"}}
    _event, bo = offered()
    offer_mail = OutboxMessage.objects.filter(renderer__endswith=".offer").get()
    deadline = datetime_text(bo.offer_expires_at)
    promote_participant(bo, by=StaffFactory())

    send_message.call(offer_mail.pk)
    followed = client.get(bo.get_offer_url(), follow=True)

    [sent] = [m for m in mail.outbox if m.subject.startswith("En plads til dig")]
    assert f"Svar senest {deadline}." in sent.body
    assert followed.redirect_chain == [(bo.get_manage_url(), 302)]
    assert "Bo : Bekræftet" in text(followed)


def test_a_newcomer_does_not_pass_the_waiting_list_when_no_offer_can_be_made(site):
    from tests.factories import StaffFactory

    event = EventFactory(capacity=1, registration_closes_at=None)
    [anne] = register_people(event, "Anne")
    register_people(event, "Bo")
    ninety_minutes_before = event.starts_at - dt.timedelta(minutes=90)

    with time_machine.travel(ninety_minutes_before, tick=False):
        cancel_registration(anne, by=StaffFactory())  # too late to offer Bo the seat
        [dea] = register_people(event, "Dea")

    assert (dea.status, dea.waiting_position is not None) == ("waiting", True)
    assert SeatCount.objects.get(pk=event.pk).confirmed == 0
