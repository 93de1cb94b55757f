"""Each change writes its webhook deliveries in its own transaction, carrying the object as the
API shows it; only subscriptions listening to the type get one."""

import datetime as dt

import pytest
import time_machine
from django.forms import FileField
from django.utils import timezone

from tests.events.test_admin import post_add_form
from tests.factories import (
    EventFactory,
    OptionFactory,
    PriceFactory,
    SessionFactory,
    SpeakerFactory,
    StaffFactory,
    public_payer,
    register_people,
)
from tests.invoicing.test_documents import invoice, seat
from tests.registrations.test_sessions import workshop
from tilmeld.api import schemas
from tilmeld.api.serialize import booking_data, participant_rows
from tilmeld.api.serialize import participant_data as api_participant
from tilmeld.api.tokens import create_token
from tilmeld.invoicing.payments import record_payment
from tilmeld.invoicing.services import issue
from tilmeld.registrations.exceptions import AlreadyRegistered
from tilmeld.registrations.models import Booking, Participant
from tilmeld.registrations.services.booking import Booker, Person, add_participants, register
from tilmeld.registrations.services.changes import cancel_registration, substitute_participant
from tilmeld.registrations.services.checkin import check_in
from tilmeld.registrations.services.offers import accept_offer
from tilmeld.webhooks import services
from tilmeld.webhooks.enums import EventType
from tilmeld.webhooks.models import Delivery
from tilmeld.webhooks.payloads import participant_data, when

pytestmark = pytest.mark.django_db


def sent() -> list[tuple[str, dict]]:
    """(type, data) of every delivery, oldest first; each body's type matches its delivery's."""
    deliveries = Delivery.objects.order_by("id")
    assert all(d.payload["type"] == d.event_type for d in deliveries)
    return [(d.event_type, d.payload["data"]) for d in deliveries]


def types() -> list[str]:
    return [event_type for event_type, _data in sent()]


def test_only_the_types_a_subscription_listens_to_are_written(subscribe):
    first = subscribe(EventType.REGISTRATION_CREATED)
    second = subscribe(EventType.REGISTRATION_CREATED, EventType.REGISTRATION_CONFIRMED)
    disabled = subscribe(EventType.REGISTRATION_CREATED)
    disabled.is_active = False
    disabled.save()

    register_people(EventFactory(), "Anne")

    assert sorted(Delivery.objects.values_list("subscription", "event_type")) == [
        (first.pk, "registration.created"),
        (second.pk, "registration.confirmed"),
        (second.pk, "registration.created"),
    ]
    assert len(set(Delivery.objects.values_list("message_id", flat=True))) == 3
    assert all(d.message_id.startswith("msg_") for d in Delivery.objects.all())


def test_colleagues_added_to_a_booking_are_a_new_registration(subscribe):
    subscribe(EventType.REGISTRATION_CREATED, EventType.REGISTRATION_CONFIRMED)
    [anne] = register_people(EventFactory(), "Anne")
    Delivery.objects.all().delete()

    [bo] = add_participants(anne.booking, [Person("Bo", "bo@example.org")])

    [confirmed], [created] = (
        [d for t, d in sent() if t == name]
        for name in ("registration.confirmed", "registration.created")
    )
    assert (created["id"], created["participants"]) == (anne.booking_id, [bo.pk])  # the new
    assert confirmed == participant_data(bo)


def test_a_cancelled_seat_is_sent_and_so_is_the_offer_it_frees(subscribe):
    subscribe(EventType.REGISTRATION_CANCELLED, EventType.REGISTRATION_OFFERED)
    event = EventFactory(capacity=1, slug="fuld")
    anne, bo = register_people(event, "Anne", "Bo")

    cancel_registration(anne)

    anne.refresh_from_db()
    bo.refresh_from_db()
    assert types() == ["registration.cancelled", "registration.offered"]
    cancelled, offered = (data for _type, data in sent())
    assert (cancelled["id"], cancelled["status"]) == (anne.pk, "cancelled")
    assert cancelled["cancelled_at"] == when(anne.cancelled_at)
    assert (offered["id"], offered["status"]) == (bo.pk, "offered")
    assert offered["offer_expires_at"] == when(bo.offer_expires_at)
    assert offered["event"] == "fuld"


def test_an_accepted_offer_is_sent_as_confirmed(subscribe):
    event = EventFactory(capacity=1)
    anne, bo = register_people(event, "Anne", "Bo")
    cancel_registration(anne)
    subscribe(EventType.REGISTRATION_CONFIRMED)

    accept_offer(bo)

    bo.refresh_from_db()
    assert sent() == [("registration.confirmed", participant_data(bo))]


def test_a_handed_over_seat_carries_who_took_it(subscribe):
    subscribe(EventType.REGISTRATION_SUBSTITUTED)
    event = EventFactory(binding_at=timezone.now() - dt.timedelta(days=1))
    [anne] = register_people(event, "Anne")

    bo = substitute_participant(anne, Person("Bo", "bo@example.org", "Vejle"))

    anne.refresh_from_db()
    assert sent() == [
        ("registration.substituted", participant_data(anne) | {"substitute": participant_data(bo)})
    ]
    assert sent()[0][1]["status"] == "substituted"


def test_a_check_in_is_sent_once(subscribe):
    subscribe(EventType.CHECKIN_CREATED)
    [anne] = register_people(EventFactory(), "Anne")
    staff = StaffFactory()

    arrival, _created = check_in(anne, by=staff)
    check_in(anne, by=staff)  # the second scan changes nothing

    anne.refresh_from_db()
    assert sent() == [
        ("checkin.created", participant_data(anne) | {"checked_in_at": when(arrival.checked_in_at)})
    ]


def test_an_issued_and_paid_invoice_is_sent(subscribe):
    subscribe(EventType.INVOICE_ISSUED, EventType.INVOICE_PAID)

    issued = issue(invoice(seat("1", "1995.00")))
    record_payment(issued, "1000.00", paid_on=dt.date(2026, 5, 20), by=None)  # a part
    record_payment(issued, "1493.75", paid_on=dt.date(2026, 5, 28), by=None)

    data = {
        "number": issued.number,
        "kind": "invoice",
        "issue_date": issued.issue_date.isoformat(),
        "due_date": "2026-05-31",
        "event": None,
        "booking_id": None,
        "credits": None,
        "buyer": {
            "name": "Aarhus Kommune, Hovedbiblioteket",
            "gln": "5798009811578",
            "cvr": "",
            "order_reference": "PO-2026-77",
            "person_reference": "4711",
        },
        "currency": "DKK",
        "net": "1995.00",
        "vat": "498.75",
        "gross": "2493.75",
        "credited": "0.00",
        "paid": "0.00",
        "outstanding": "2493.75",
        "e_invoice": True,
        "issued_at": when(issued.issued_at),
    }
    paid = data | {"paid": "2493.75", "outstanding": "0.00", "paid_on": "2026-05-28"}
    assert sent() == [
        ("invoice.issued", data),
        ("invoice.paid", paid),
    ]


def test_an_event_saved_in_the_admin_is_sent(subscribe, client, site):
    subscribe(EventType.EVENT_CHANGED)
    client.force_login(StaffFactory())

    with time_machine.travel(dt.datetime(2016, 4, 1, 12, tzinfo=dt.UTC), tick=False):
        post_add_form(client)

    [(kind, data)] = sent()
    assert kind == "event.changed"
    assert set(data) == set(schemas.Event.model_fields)  # as the API writes an event
    assert {k: data[k] for k in ("slug", "title", "starts_at", "ends_at")} == {
        "slug": "konference",
        "title": "Konference",
        "starts_at": "2016-05-23T07:30:00Z",
        "ends_at": "2016-05-23T14:00:00Z",
    }


def test_a_refused_change_writes_nothing(subscribe):
    subscribe(EventType.REGISTRATION_CREATED)
    event = EventFactory()
    register_people(event, "Anne")
    Delivery.objects.all().delete()

    with pytest.raises(AlreadyRegistered):  # refused at the unique index, after the emit
        register_people(event, "Anne")

    assert sent() == []


def test_emit_without_listeners_writes_nothing_and_builds_no_payload(subscribe):
    subscribe(EventType.INVOICE_PAID)

    def build():
        raise AssertionError("built without a listener")

    assert services.emit(EventType.INVOICE_ISSUED, build) == []
    assert Delivery.objects.count() == 0


def test_a_webhook_carries_the_participant_exactly_as_the_api_returns_it(subscribe, client):
    subscribe(EventType.REGISTRATION_CONFIRMED)
    [anne] = register_people(EventFactory(), "Anne Hansen")
    _row, token = create_token(StaffFactory(), name="CRM", scopes=["registrations:read"])

    [(_kind, data)] = sent()
    answer = client.get(
        f"/api/v1/participants/{anne.pk}", headers={"Authorization": f"Bearer {token}"}
    )

    assert answer.status_code == 200
    assert data == answer.json()


def _admin_resave(client, obj, **changes):
    """Posts the admin change form of `obj` as it stands, with `changes`."""
    url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name, field in form.fields.items()}
    empty = [n for n, f in form.fields.items() if isinstance(f, FileField) or data[n] is None]
    data = data | dict.fromkeys(empty, "") | changes
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors


def test_a_speaker_saved_in_the_admin_changes_the_events_showing_them(subscribe, client, site):
    speaker = SpeakerFactory(name="Anne Oplæg")
    upcoming = EventFactory(slug="kommende")
    SessionFactory(event=upcoming, speakers=[speaker])
    past = EventFactory(
        slug="forbi",
        starts_at=timezone.now() - dt.timedelta(days=30),
        ends_at=timezone.now() - dt.timedelta(days=30) + dt.timedelta(hours=6),
    )
    SessionFactory(event=past, speakers=[speaker])
    subscribe(EventType.EVENT_CHANGED)
    client.force_login(StaffFactory())

    _admin_resave(client, speaker, name="Anne Oplægsholder")

    assert [(kind, data["slug"]) for kind, data in sent()] == [("event.changed", "kommende")]


def test_a_registration_sends_what_the_api_reads_back_though_it_reads_nothing(subscribe):
    """The registration hands the payloads what it wrote (places in line, options, sessions, the
    payer), so they are built without reading its rows back: they must be exactly those rows."""
    subscribe(*EventType.values)
    event = EventFactory(capacity=1)
    price = PriceFactory(event=event)
    dinner = OptionFactory(event=event, name_da="Festmiddag", position=2)
    bus = OptionFactory(event=event, name_da="Bus", amount=100, position=1)
    a, b = (workshop(event, f"Workshop {x}", capacity=9, room=x) for x in "AB")
    for name, chosen in (("Anne", b), ("Cai", a)):  # Anne has the last seat, Cai is in line
        register(event, booker=Booker(name, f"{name}@example.org"), language="da",
                 payer=public_payer(), people=[Person(name, f"{name}@example.org",
                 price_id=price.pk, sessions=[chosen.pk])])  # fmt: skip
    Delivery.objects.all().delete()
    people = [
        Person(name, f"{name.lower()}@example.org", price_id=price.pk, sessions=[chosen.pk],
               options=[dinner.pk, bus.pk])
        for name, chosen in (("Dan", a), ("Eva", b), ("Finn", a))
    ]  # fmt: skip

    booking = register(
        event, booker=Booker("Dan", "dan@example.org"), people=people, language="da",
        payer=public_payer(),
    )  # fmt: skip

    stored = participant_rows(Participant.objects.filter(booking=booking).order_by("pk"))
    read_back = {p.pk: api_participant(p) for p in stored}
    sent_now = sent()
    people_sent = sorted(
        (data["id"], data["status"], data["waiting_position"])
        for event_type, data in sent_now
        if event_type != "registration.created"
    )
    # Cai is first in line; Dan, Eva and Finn follow in the order they were given.
    assert [(status, place) for _id, status, place in people_sent] == [
        ("waiting", 2),
        ("waiting", 3),
        ("waiting", 4),
    ]
    for event_type, data in sent_now:
        if event_type == "registration.created":
            assert data == booking_data(Booking.objects.get(pk=booking.pk))
        else:
            assert data == read_back[data["id"]]
    assert read_back[stored[0].pk]["options"][0]["name"] == "Bus"  # the options' order


def test_a_booking_without_a_payer_is_sent_as_the_api_reads_it(subscribe):
    subscribe(EventType.REGISTRATION_CREATED, EventType.REGISTRATION_CONFIRMED)

    [anne] = register_people(EventFactory(), "Anne")

    by_type = dict(sent())
    created, confirmed = by_type["registration.created"], by_type["registration.confirmed"]
    assert created == booking_data(Booking.objects.get(pk=anne.booking_id))
    assert created["payer"] is None
    assert confirmed == api_participant(participant_rows().get(pk=anne.pk))
