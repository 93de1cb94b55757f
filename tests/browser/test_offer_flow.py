"""The waiting list in a real browser: the offer's links from the mail, accepting with a choice
of sessions, declining, and joining the waiting list when every session is full."""

import re

from django.urls import reverse
from django.utils.module_loading import import_string

from tests.factories import EventFactory, SessionFactory, SiteSettingsFactory
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration


def _register(event, name, *sessions):
    email = f"{name.lower()}@example.org"
    return register(
        event,
        booker=Booker(name, email),
        people=[Person(name, email, sessions=[s.pk for s in sessions])],
        language="da",
    ).participants.get()


def _full_event_with_workshops():
    """Two seats, two workshops of one seat each: Anne has A, Carl has B; both are full."""
    SiteSettingsFactory()
    event = EventFactory(title_da="Bibliotekernes dag", capacity=2)
    a, b = (
        SessionFactory(event=event, title_da=f"Workshop {letter}", capacity=1) for letter in "AB"
    )
    _register(event, "Anne", a)
    carl = _register(event, "Carl", b)
    return event, a, b, carl


def _mailed_links(participant):
    """The accept and decline links as the offer mail has them (rendered as the worker does)."""
    message = OutboxMessage.objects.filter(
        to_email=participant.email, renderer__endswith=".offer"
    ).get()
    body = import_string(message.renderer)(message).body
    return re.findall(r"^http://\S+/tilbud/\S*$", body, flags=re.MULTILINE)


def test_an_offered_person_accepts_from_the_mail_and_picks_a_session_with_room(
    page, axe, settings, live_server
):
    settings.SITE_URL = live_server.url  # the mail's links lead to this test's server
    event, a, _b, carl = _full_event_with_workshops()
    bo = _register(event, "Bo", a)  # a wish: A is full
    cancel_registration(carl)  # frees a seat and Workshop B
    accept, decline = _mailed_links(bo)

    page.goto(accept)
    axe(page)
    assert page.get_by_label(re.compile("^Workshop A")).is_disabled()
    page.get_by_label(re.compile("^Workshop B")).check()
    page.get_by_role("button", name="Sig ja til pladsen").click()

    page.get_by_text("Din plads er bekræftet.").wait_for()
    assert page.get_by_text("Bo: Bekræftet").is_visible()
    axe(page)
    bo.refresh_from_db()
    assert bo.status == "confirmed"
    assert [c.session.title for c in bo.session_choices.all()] == ["Workshop B"]
    assert decline.endswith("?answer=decline")


def test_an_offered_person_declines_and_the_next_in_line_is_offered(
    page, axe, settings, live_server
):
    settings.SITE_URL = live_server.url
    event, a, _b, carl = _full_event_with_workshops()
    bo = _register(event, "Bo", a)  # a wish: A is full
    _register(event, "Dea", a)
    cancel_registration(carl)
    _accept, decline = _mailed_links(bo)

    page.goto(decline)
    axe(page)
    page.get_by_role("button", name="Ja, sig nej tak til pladsen").click()

    page.get_by_text("Du har sagt nej tak til pladsen.").wait_for()
    axe(page)
    assert dict(event.participants.values_list("name", "status")) == {
        "Anne": "confirmed",
        "Carl": "cancelled",
        "Bo": "cancelled",
        "Dea": "offered",
    }


def test_joining_the_waiting_list_when_every_session_is_full(page, axe):
    event, _a, _b, _carl = _full_event_with_workshops()

    page.goto(reverse("registrations:register", kwargs={"slug": event.slug}))
    axe(page)
    page.get_by_label("Navn").fill("Eva Holm")
    page.get_by_label("E-mail").fill("eva@example.org")
    page.get_by_label("Workshop A – fuldt nu, du kan stadig ønske det").check()
    page.get_by_label("Jeg har læst privatlivspolitikken").check()
    page.locator("form button[type=submit]:not([hidden])").last.click()

    page.get_by_text("venteliste").first.wait_for()
    axe(page)
    eva = Participant.objects.get(name="Eva Holm")
    assert eva.status == "waiting"
    assert [(c.session.title, c.holds_seat) for c in eva.session_choices.all()] == [
        ("Workshop A", False)
    ]
