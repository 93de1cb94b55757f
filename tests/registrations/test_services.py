import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.registrations.enums import ChangeAction, ParticipantStatus
from tilmeld.registrations.exceptions import AlreadyRegistered, RegistrationError
from tilmeld.registrations.models import Participant, SeatCount
from tilmeld.registrations.services.booking import Booker, Person, add_participants, register
from tilmeld.registrations.services.changes import (
    cancel_registration,
    promote_from_waiting_list,
    substitute_participant,
    update_participant,
)

pytestmark = pytest.mark.django_db


def statuses(event):
    return list(event.participants.order_by("id").values_list("name", "status"))


def test_register_within_capacity_confirms_and_mails(site):
    event = EventFactory(capacity=2)

    [anne] = register_people(event, "Anne Hansen")

    assert anne.status == ParticipantStatus.CONFIRMED
    assert SeatCount.objects.get(pk=event.pk).confirmed == 1
    assert [m.to for m in mail.outbox] == [["Anne Hansen <anne.hansen@example.org>"]]
    assert mail.outbox[0].subject == f"Tilmelding bekræftet: {event.title}"
    assert anne.get_manage_url() in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0] == f"{event.slug}.ics"


def test_overflow_goes_to_waiting_list_in_order(site):
    event = EventFactory(capacity=2)

    register_people(event, "A", "B", "C")
    register_people(event, "D")

    assert statuses(event) == [
        ("A", "confirmed"),
        ("B", "confirmed"),
        ("C", "waiting"),
        ("D", "waiting"),
    ]
    counts = SeatCount.objects.get(pk=event.pk)
    assert (counts.confirmed, counts.waiting) == (2, 2)
    assert "nummer 2 i køen" in mail.outbox[-1].body
    assert "overdrag din plads i køen til en kollega" in mail.outbox[-1].body  # no seat yet
    assert "overdrag din plads i køen" not in mail.outbox[0].body  # A has a seat


def test_full_without_waiting_list_is_refused_and_nothing_stored(site):
    event = EventFactory(capacity=1, waiting_list_enabled=False)
    register_people(event, "A")
    mail.outbox.clear()

    with pytest.raises(RegistrationError) as error:
        register_people(event, "B")

    assert error.value.code == "sold_out"
    assert statuses(event) == [("A", "confirmed")]
    assert mail.outbox == []


def test_cancel_promotes_first_in_line_and_mails_both(site):
    event = EventFactory(capacity=1, waiting_list_mode="automatic")
    [a] = register_people(event, "A")
    register_people(event, "B")
    register_people(event, "C")
    mail.outbox.clear()

    cancel_registration(a)

    assert statuses(event) == [("A", "cancelled"), ("B", "confirmed"), ("C", "waiting")]
    assert [m.subject for m in mail.outbox] == [
        f"Afmeldt: {event.title}",
        f"Du har fået en plads: {event.title}",
    ]
    assert Participant.objects.get(name="C").changes.last().action == ChangeAction.WAITING


def test_cancel_after_binding_date_is_refused(site):
    event = EventFactory(binding_at=timezone.now() - dt.timedelta(hours=1))
    [a] = register_people(event, "A")

    with pytest.raises(RegistrationError) as error:
        cancel_registration(a)

    assert error.value.code == "binding"
    assert Participant.objects.get(pk=a.pk).status == ParticipantStatus.CONFIRMED


def test_staff_may_cancel_after_binding_date(site):
    event = EventFactory(binding_at=timezone.now() - dt.timedelta(hours=1))
    [a] = register_people(event, "A")
    staff = StaffFactory()

    cancel_registration(a, by=staff)

    change = a.changes.last()
    assert (change.action, change.by_user) == (ChangeAction.CANCELLED, staff)


def test_registration_outside_window_is_refused(site):
    event = EventFactory(registration_opens_at=timezone.now() + dt.timedelta(days=1))

    with pytest.raises(RegistrationError) as error:
        register_people(event, "A")

    assert error.value.code == "not_open"
    assert event.participants.count() == 0


def test_registration_after_close_is_refused(site):
    event = EventFactory()
    after_close = event.registration_closes_at + dt.timedelta(minutes=1)
    with time_machine.travel(after_close), pytest.raises(RegistrationError) as error:
        register_people(event, "A")
    assert error.value.code == "closed"


# Sold out, the address already registered is still what the refusal says: it says more.
@pytest.mark.parametrize(
    "limits", [{}, {"capacity": 1, "waiting_list_enabled": False}], ids=["open", "sold out"]
)
def test_same_email_twice_is_refused(site, limits):
    event = EventFactory(**limits)
    register_people(event, "Anne")

    with pytest.raises(AlreadyRegistered):
        register(
            event,
            booker=Booker("X", "x@example.org"),
            people=[Person("Anne again", "ANNE@example.org")],
            language="da",
        )

    assert event.participants.count() == 1


def test_same_form_token_returns_first_booking(site):
    event = EventFactory()
    token = "2f1e6f57-4d0a-4b47-9d59-1f0b4ad1c3a1"
    args = {"booker": Booker("A", "a@example.org"), "people": [Person("A", "a@example.org")]}

    first = register(event, language="da", form_token=token, **args)
    second = register(event, language="da", form_token=token, **args)

    assert first.pk == second.pk
    assert event.participants.count() == 1


def test_the_same_form_for_the_last_seat_returns_the_first_booking_not_sold_out(site):
    event = EventFactory(capacity=1, waiting_list_enabled=False)
    token = "7b0e2c1a-1111-4a5b-9c8d-0e1f2a3b4c5d"
    args = {"booker": Booker("A", "a@example.org"), "people": [Person("A", "a@example.org")]}

    first = register(event, language="da", form_token=token, **args)
    second = register(event, language="da", form_token=token, **args)

    assert first.pk == second.pk
    assert event.participants.get().status == "confirmed"


def test_booking_over_max_size_is_refused(site):
    event = EventFactory(max_booking_size=3)
    people = [Person(f"P{i}", f"p{i}@example.org") for i in range(4)]

    with pytest.raises(RegistrationError) as error:
        register(event, booker=Booker("B", "b@example.org"), people=people, language="da")

    assert error.value.code == "too_many"
    assert event.participants.count() == 0


def test_group_booking_mails_each_participant_and_the_booker(site):
    event = EventFactory()
    booker = Booker("Chef", "chef@example.org", "Vejle Bibliotekerne")

    register_people(event, "Anne", "Bo", booker=booker)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "Anne <anne@example.org>",
        "Bo <bo@example.org>",
        "Chef <chef@example.org>",
    ]
    summary = next(m for m in mail.outbox if m.to == ["Chef <chef@example.org>"])
    assert "Anne <anne@example.org>: Bekræftet" in summary.body


def test_substitution_moves_seat_and_kills_old_link(site):
    event = EventFactory(capacity=1, binding_at=timezone.now() - dt.timedelta(days=1))
    [anne] = register_people(event, "Anne")
    mail.outbox.clear()

    new = substitute_participant(anne, Person("Bo", "bo@example.org", "Vejle"))

    anne.refresh_from_db()
    assert (anne.status, new.status, new.replaces) == ("substituted", "confirmed", anne)
    assert new.manage_token != anne.manage_token
    assert SeatCount.objects.get(pk=event.pk).confirmed == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Anne <anne@example.org>",
        "Bo <bo@example.org>",
    ]


def test_substitution_into_registered_email_is_refused(site):
    event = EventFactory()
    [anne, bo] = register_people(event, "Anne", "Bo")

    with pytest.raises(AlreadyRegistered):
        substitute_participant(anne, Person("Bo", bo.email))

    assert statuses(event) == [("Anne", "confirmed"), ("Bo", "confirmed")]


def test_substitution_after_start_is_refused(site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    after_start = event.starts_at + dt.timedelta(minutes=1)
    with time_machine.travel(after_start), pytest.raises(RegistrationError) as error:
        substitute_participant(anne, Person("Bo", "bo@example.org"))

    assert error.value.code == "started"
    assert statuses(event) == [("Anne", "confirmed")]


def test_edit_records_old_and_new_values(site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")

    update_participant(anne, Person("Anne Hansen", anne.email, "Odense"))

    change = anne.changes.last()
    assert change.action == ChangeAction.EDITED
    assert change.changes == {"name": ["Anne", "Anne Hansen"], "organisation": ["", "Odense"]}


def test_raising_capacity_promotes_from_waiting_list(site):
    event = EventFactory(capacity=1)
    register_people(event, "A", "B", "C")
    event.capacity = 2
    event.save()

    promoted = promote_from_waiting_list(event)

    assert [p.name for p in promoted] == ["B"]
    assert statuses(event)[2] == ("C", "waiting")


def test_add_colleague_to_booking_while_seats_remain(site):
    event = EventFactory(capacity=2)
    [anne] = register_people(event, "Anne")

    added = add_participants(anne.booking, [Person("Bo", "bo@example.org")])

    assert [p.status for p in added] == ["confirmed"]
    assert anne.booking.participants.count() == 2


def test_staff_override_exceeds_capacity(site):
    event = EventFactory(capacity=1)
    register_people(event, "A")

    booking = register(
        event,
        booker=Booker("Staff", "staff@example.org"),
        people=[Person("VIP", "vip@example.org")],
        language="da",
        by=StaffFactory(),
        override_capacity=True,
    )

    assert booking.participants.get().status == "confirmed"
    assert SeatCount.objects.get(pk=event.pk).confirmed == 2
