"""Choosing one parallel session per time slot: seats in sessions at registration, on the
waiting list (wishes), on promotion, cancellation, substitution and through the manage link."""

import datetime as dt
import re

import pytest
from django.core import mail

from tests.factories import EventFactory, StaffFactory
from tests.registrations.test_views import form_data, register_url
from tilmeld.events.models import Session
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import (
    Booking,
    Participant,
    SeatCount,
    SessionChoice,
    SessionSeats,
)
from tilmeld.registrations.services.booking import Booker, Person, add_participants, register
from tilmeld.registrations.services.changes import (
    cancel_registration,
    change_session,
    substitute_participant,
)

pytestmark = pytest.mark.django_db


def workshop(event, title, *, capacity, room="", hour=10, minute=30, kind="workshop"):
    """A session in the slot starting at hour:minute on the event's day (the event starts 9.30)."""
    starts_at = event.starts_at.replace(hour=hour, minute=minute)
    return Session.objects.create(
        event=event,
        title_da=title,
        room=room,
        kind=kind,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
    )


def three_workshops(event, capacity=5):
    return [
        workshop(event, f"Workshop {letter}", capacity=capacity, room=f"Lokale {number}")
        for number, letter in enumerate("ABC", start=1)
    ]


def book(event, name, *chosen, by=None):
    """Registers one person choosing `chosen` sessions; returns the participant."""
    email = f"{name.lower()}@example.org"
    booking = register(
        event,
        booker=Booker(name, email),
        people=[Person(name, email, sessions=[s.pk for s in chosen])],
        language="da",
        by=by,
    )
    return booking.participants.get()


def taken(*sessions):
    """Seats taken per session, read from the counter rows (0 where no row exists yet)."""
    rows = dict(SessionSeats.objects.values_list("session_id", "taken"))
    return [rows.get(session.pk, 0) for session in sessions]


def choices(participant):
    """(session title, holds_seat) of the participant's choices, by session."""
    rows = SessionChoice.objects.filter(participant=participant).order_by("session_id")
    return [(c.session.title, c.holds_seat) for c in rows]


def refusal(error):
    return error.value.code, str(error.value.message)


def seat_holders(session):
    return SessionChoice.objects.filter(session=session, holds_seat=True).count()


def test_public_registration_without_a_choice_is_refused_and_nothing_stored(site):
    event = EventFactory(capacity=10)
    three_workshops(event)

    with pytest.raises(RegistrationError) as error:
        book(event, "Anne")

    assert refusal(error) == ("sessions", "Vælg et programpunkt kl. 10.30.")
    assert (Booking.objects.count(), Participant.objects.count()) == (0, 0)
    assert SessionChoice.objects.count() == 0
    assert mail.outbox == []


def test_staff_may_register_without_a_choice(site):
    event = EventFactory(capacity=10)
    a, _b, _c = three_workshops(event)

    anne = book(event, "Anne", by=StaffFactory())

    assert anne.status == ParticipantStatus.CONFIRMED
    assert choices(anne) == []
    assert taken(a) == [0]


def test_two_sessions_in_one_slot_are_refused(site):
    event = EventFactory(capacity=10)
    a, b, _c = three_workshops(event)

    with pytest.raises(RegistrationError) as error:
        book(event, "Anne", a, b)

    assert refusal(error) == ("sessions", "Vælg ét programpunkt pr. tidsrum.")
    assert Participant.objects.count() == 0
    assert taken(a, b) == [0, 0]


@pytest.mark.parametrize(
    "other",
    [
        lambda event: three_workshops(EventFactory())[0],  # another event's workshop
        lambda event: workshop(event, "Velkomst", capacity=None, hour=9),  # no seat limit
    ],
    ids=["another_event", "no_seat_limit"],
)
def test_session_that_is_no_choice_of_this_event_is_refused(site, other):
    event = EventFactory(capacity=10)
    a, _b, _c = three_workshops(event)

    with pytest.raises(RegistrationError) as error:
        book(event, "Anne", a, other(event))

    assert refusal(error) == ("sessions", "Det programpunkt kan ikke vælges.")
    assert Participant.objects.count() == 0
    assert taken(a) == [0]


def test_confirmed_participants_take_seats_in_each_slot(site):
    event = EventFactory(capacity=10)
    a, b, c = three_workshops(event)
    late = workshop(event, "Eftermiddag", capacity=3, hour=13)

    anne = book(event, "Anne", a, late)
    bo = book(event, "Bo", b, late)

    assert choices(anne) == [("Workshop A", True), ("Eftermiddag", True)]
    assert choices(bo) == [("Workshop B", True), ("Eftermiddag", True)]
    assert taken(a, b, c, late) == [1, 1, 0, 2]
    assert "Dine programpunkter:\n- Workshop A, Lokale 1\n- Eftermiddag" in mail.outbox[0].body


def test_full_session_refuses_the_registration_and_stores_nothing(site):
    event = EventFactory(capacity=10)
    a, b, _c = three_workshops(event, capacity=1)
    book(event, "Anne", a)
    mail.outbox.clear()

    with pytest.raises(RegistrationError) as error:
        book(event, "Bo", a)

    assert refusal(error) == (
        "session_full",
        "»Workshop A« er fuldt. Vælg venligst et andet programpunkt.",
    )
    assert list(Participant.objects.values_list("name", flat=True)) == ["Anne"]
    assert SeatCount.objects.get(pk=event.pk).confirmed == 1
    assert taken(a, b) == [1, 0]
    assert mail.outbox == []


def test_the_same_form_for_the_last_session_seat_returns_the_first_booking(site):
    event = EventFactory(capacity=10)
    a, _b, _c = three_workshops(event, capacity=1)
    args = {
        "booker": Booker("Anne", "anne@example.org"),
        "people": [Person("Anne", "anne@example.org", sessions=[a.pk])],
        "language": "da",
        "form_token": "5d2f0c9e-2222-4b6a-8e7f-1a2b3c4d5e6f",
    }

    first = register(event, **args)
    second = register(event, **args)

    assert first.pk == second.pk
    assert taken(a) == [1]


def test_group_booking_over_a_session_limit_is_refused_whole(site):
    event = EventFactory(capacity=10)
    a, _b, _c = three_workshops(event, capacity=1)
    people = [
        Person("Anne", "anne@example.org", sessions=[a.pk]),
        Person("Bo", "bo@example.org", sessions=[a.pk]),
    ]

    with pytest.raises(RegistrationError) as error:
        register(event, booker=Booker("Anne", "anne@example.org"), people=people, language="da")

    assert error.value.code == "session_full"
    assert (Booking.objects.count(), Participant.objects.count()) == (0, 0)
    assert not SeatCount.objects.filter(pk=event.pk, confirmed__gt=0).exists()
    assert taken(a) == [0]


def test_added_colleague_into_a_full_session_is_refused(site):
    event = EventFactory(capacity=10)
    a, b, _c = three_workshops(event, capacity=1)
    anne = book(event, "Anne", a)

    with pytest.raises(RegistrationError) as error:
        add_participants(anne.booking, [Person("Bo", "bo@example.org", sessions=[a.pk])])
    [bo] = add_participants(anne.booking, [Person("Bo", "bo@example.org", sessions=[b.pk])])

    assert error.value.code == "session_full"
    assert choices(bo) == [("Workshop B", True)]
    assert taken(a, b) == [1, 1]


def test_waiting_list_choices_are_wishes_without_seats(site):
    event = EventFactory(capacity=1)
    a, b, _c = three_workshops(event, capacity=1)
    book(event, "Anne", a)

    bo = book(event, "Bo", a)  # the session is full too: a wish may still name it
    carl = book(event, "Carl", b)

    assert (bo.status, carl.status) == (ParticipantStatus.WAITING, ParticipantStatus.WAITING)
    assert choices(bo) == [("Workshop A", False)]
    assert choices(carl) == [("Workshop B", False)]
    assert taken(a, b) == [1, 0]


def test_cancelling_releases_only_a_held_session_seat(site):
    event = EventFactory(capacity=1)
    a, _b, _c = three_workshops(event, capacity=1)
    anne = book(event, "Anne", a)
    bo = book(event, "Bo", a)  # waiting, with a wish

    cancel_registration(bo)
    after_wish = taken(a)
    cancel_registration(anne)
    carl = book(event, "Carl", a)

    assert after_wish == [1]
    assert ("Workshop A", True) not in choices(anne)
    assert choices(carl) == [("Workshop A", True)]
    assert taken(a) == [1] == [seat_holders(a)]


def test_promotion_honours_a_wish_with_room(site):
    event = EventFactory(capacity=1, waiting_list_mode="automatic")
    a, b, _c = three_workshops(event, capacity=1)
    anne = book(event, "Anne", a)
    bo = book(event, "Bo", b)
    mail.outbox.clear()

    cancel_registration(anne)

    bo.refresh_from_db()
    assert bo.status == ParticipantStatus.CONFIRMED
    assert choices(bo) == [("Workshop B", True)]
    assert taken(a, b) == [0, 1]
    promoted = mail.outbox[-1]
    assert promoted.to == ["Bo <bo@example.org>"]
    assert "Dine programpunkter:\n- Workshop B, Lokale 2" in promoted.body
    assert "er fuldt" not in promoted.body


def test_promotion_drops_a_wish_for_a_full_session_and_mails_it(site):
    event = EventFactory(capacity=2, waiting_list_mode="automatic")
    a, b, _c = three_workshops(event, capacity=1)
    book(event, "Anne", a)
    carl = book(event, "Carl", b)
    bo = book(event, "Bo", a)  # waiting, wishing for the session Anne holds
    mail.outbox.clear()

    cancel_registration(carl)

    bo.refresh_from_db()
    assert bo.status == ParticipantStatus.CONFIRMED
    assert choices(bo) == []
    assert taken(a, b) == [1, 0]
    promoted = mail.outbox[-1]
    assert promoted.to == ["Bo <bo@example.org>"]
    text = " ".join(promoted.body.split())
    assert (
        "»Workshop A«, som du valgte, er fuldt. Vælg venligst et andet programpunkt "
        "via linket herunder." in text
    )
    assert bo.get_manage_url() in promoted.body


def test_substitution_hands_the_session_seat_to_the_new_person(site):
    event = EventFactory(capacity=10, substitution_allowed=True)
    a, _b, _c = three_workshops(event, capacity=1)
    anne = book(event, "Anne", a)

    carl = substitute_participant(anne, Person("Carl", "carl@example.org"))

    assert choices(carl) == [("Workshop A", True)]
    assert choices(anne) == []
    assert taken(a) == [1] == [seat_holders(a)]
    assert "Dine programpunkter:\n- Workshop A, Lokale 1" in mail.outbox[-1].body


def radio(page, session):
    """The <input> tag of the radio button for `session` on a rendered page."""
    return re.search(rf'<input type="radio"[^>]*value="{session.pk}"[^>]*>', page).group(0)


def test_register_form_stores_the_chosen_session(client, site):
    event = EventFactory(capacity=10)
    _a, b, _c = three_workshops(event)

    response = client.post(register_url(event), form_data(client, event, session_0=str(b.pk)))

    assert response.status_code == 302
    anne = Participant.objects.get()
    assert choices(anne) == [("Workshop B", True)]
    assert taken(b) == [1]


def test_register_form_without_a_choice_is_refused_next_to_the_field(client, site):
    event = EventFactory(capacity=10)
    three_workshops(event)

    response = client.post(register_url(event), form_data(client, event))

    assert response.status_code == 422
    page = response.content.decode()
    assert '<p class="error" id="id_session_0_error">Dette felt er påkrævet. </p>' in page
    assert Participant.objects.count() == 0


def test_register_form_shows_a_full_session_as_a_disabled_radio(client, site):
    event = EventFactory(capacity=10)
    a, b, _c = three_workshops(event, capacity=1)
    book(event, "Bo", a)

    page = client.get(register_url(event)).content.decode()

    assert "disabled" in radio(page, a)
    assert "disabled" not in radio(page, b)
    assert "Workshop A · Lokale 1 – fuldt</label>" in page
    assert "Workshop B · Lokale 2 – 1 ledig plads</label>" in page
    assert "Programpunkt kl. 10.30" in page


def test_posting_a_full_session_anyway_shows_the_message(client, site):
    event = EventFactory(capacity=10)
    a, _b, _c = three_workshops(event, capacity=1)
    book(event, "Bo", a)

    response = client.post(register_url(event), form_data(client, event, session_0=str(a.pk)))

    assert response.status_code == 409
    assert "»Workshop A« er fuldt. Vælg venligst et andet programpunkt." in (
        response.content.decode()
    )
    assert list(Participant.objects.values_list("name", flat=True)) == ["Bo"]
    assert taken(a) == [1]


def test_manage_link_changes_the_session(client, site):
    event = EventFactory(capacity=10)
    a, b, _c = three_workshops(event, capacity=1)
    anne = book(event, "Anne", a)

    response = client.post(
        anne.get_manage_url(), {"action": "sessions", "sessions-session_0": str(b.pk)}
    )

    assert response.status_code == 302
    assert choices(anne) == [("Workshop B", True)]
    assert taken(a, b) == [0, 1]
    page = client.get(response["Location"]).content.decode()
    assert "Dit valg af programpunkter er gemt." in page
    assert "<li>Workshop B · Lokale 2</li>" in page
    assert anne.changes.last().changes == {"session": ["Workshop A", "Workshop B"]}


def test_manage_page_calls_the_participants_own_seat_theirs_not_free(client, site):
    event = EventFactory(capacity=10)
    a, _b, _c = three_workshops(event, capacity=1)
    anne = book(event, "Anne", a)  # the last seat of A

    page = client.get(anne.get_manage_url()).content.decode()

    assert "Workshop A · Lokale 1 – din plads" in page
    assert "Workshop A · Lokale 1 – 1 ledig plads" not in page


def test_manage_link_change_into_a_full_session_is_refused(client, site):
    event = EventFactory(capacity=10)
    a, b, _c = three_workshops(event, capacity=1)
    anne = book(event, "Anne", a)
    book(event, "Bo", b)

    response = client.post(
        anne.get_manage_url(), {"action": "sessions", "sessions-session_0": str(b.pk)}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert '<div class="form-errors" role="alert"><p>»Workshop B« er fuldt.</p></div>' in page
    assert "disabled" not in radio(page, a)  # the participant's own seat counts as free
    assert "disabled" in radio(page, b)
    assert choices(anne) == [("Workshop A", True)]
    assert taken(a, b) == [1, 1]


def test_manage_link_changes_a_wish_while_waiting(client, site):
    event = EventFactory(capacity=1)
    a, b, _c = three_workshops(event)
    book(event, "Anne", a)
    bo = book(event, "Bo", b)

    response = client.post(
        bo.get_manage_url(), {"action": "sessions", "sessions-session_0": str(a.pk)}
    )

    assert response.status_code == 302
    assert choices(bo) == [("Workshop A", False)]
    assert taken(a, b) == [1, 0]
    page = client.get(bo.get_manage_url()).content.decode()
    assert "<li>Workshop A · Lokale 1 (et ønske, indtil du får en plads)</li>" in page


def test_manage_link_can_choose_a_session_added_after_registering(site):
    event = EventFactory(capacity=10)
    a = workshop(event, "Workshop A", capacity=5)
    anne = book(event, "Anne", a)
    b = workshop(event, "Workshop B", capacity=5)  # staff add a parallel workshop later

    change_session(anne, b.pk)

    assert choices(anne) == [("Workshop B", True)]
    assert taken(a, b) == [0, 1]


def two_slots_with_seats_taken(event):
    """Anne holds A (morning) and P1 (afternoon); Bo holds B and P2; P2 seats one."""
    a, b, _c = three_workshops(event)
    p1 = workshop(event, "Eftermiddag 1", capacity=5, hour=13)
    p2 = workshop(event, "Eftermiddag 2", capacity=1, hour=13)
    anne = book(event, "Anne", a, p1)
    book(event, "Bo", b, p2)
    return anne, (a, b, p1, p2)


def test_refused_session_change_leaves_every_slot_as_it_was(client, site):
    event = EventFactory(capacity=10)
    anne, (a, b, p1, p2) = two_slots_with_seats_taken(event)

    response = client.post(
        anne.get_manage_url(),
        {"action": "sessions", "sessions-session_0": str(b.pk), "sessions-session_1": str(p2.pk)},
    )

    assert response.status_code == 409
    assert choices(anne) == [("Workshop A", True), ("Eftermiddag 1", True)]
    assert taken(a, b, p1, p2) == [1, 1, 1, 1]


def test_saving_unchanged_sessions_records_no_history(client, site):
    event = EventFactory(capacity=10)
    anne, (a, _b, p1, _p2) = two_slots_with_seats_taken(event)
    before = anne.changes.count()

    response = client.post(
        anne.get_manage_url(),
        {"action": "sessions", "sessions-session_0": str(a.pk), "sessions-session_1": str(p1.pk)},
    )

    assert response.status_code == 302
    assert anne.changes.count() == before


def test_cancelled_registration_shows_no_sessions(client, site):
    event = EventFactory(capacity=10)
    a, _b, _c = three_workshops(event)
    anne = book(event, "Anne", a)
    mail.outbox.clear()

    cancel_registration(anne)

    page = client.get(anne.get_manage_url()).content.decode()
    assert "Workshop A" not in page
    assert "Workshop A" not in mail.outbox[0].body


def test_manage_page_of_a_waiting_participant_offers_full_sessions_as_wishes(client, site):
    event = EventFactory(capacity=1)
    a, _b, _c = three_workshops(event, capacity=1)
    book(event, "Anne", a)
    bo = book(event, "Bo", a)

    page = client.get(bo.get_manage_url()).content.decode()

    assert "Workshop A · Lokale 1 – fuldt nu, du kan stadig ønske det</label>" in page
    assert f'value="{a.pk}" id="id_sessions-session_0_0" required checked>' in page
