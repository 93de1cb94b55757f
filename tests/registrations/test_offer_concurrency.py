"""Offers under races, with real connections on PostgreSQL (see test_concurrency.at_once)."""

from django.db.models import Count

from tests.factories import EventFactory, register_people
from tests.registrations.test_concurrency import RACES, at_once, errors
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import SeatCount
from tilmeld.registrations.services.changes import cancel_registration
from tilmeld.registrations.services.offers import accept_offer, expire_offers

pytestmark = RACES


def statuses(event):
    return {p.name: p.status for p in event.participants.all()}


def consistent_counts(event):
    """The counter row agrees with the participants' rows; returns (confirmed, offered,
    waiting)."""
    rows = dict(event.participants.values_list("status").annotate(n=Count("id")))
    seats = SeatCount.objects.get(pk=event.pk)
    counted = (seats.confirmed, seats.offered, seats.waiting)
    assert counted == (rows.get("confirmed", 0), rows.get("offered", 0), rows.get("waiting", 0))
    return counted


def mails_to(event, address):
    return list(OutboxMessage.objects.filter(to_email=address).values_list("renderer", flat=True))


def test_two_seats_freed_at_once_make_two_offers_one_per_person(site):
    event = EventFactory(capacity=2)
    anne, bo = register_people(event, "Anne", "Bo")
    register_people(event, "Cai")
    register_people(event, "Dea")
    register_people(event, "Eva")

    results = at_once(lambda: cancel_registration(anne), lambda: cancel_registration(bo))

    assert errors(results) == []
    assert statuses(event) == {
        "Anne": "cancelled",
        "Bo": "cancelled",
        "Cai": "offered",
        "Dea": "offered",
        "Eva": "waiting",
    }
    assert consistent_counts(event) == (0, 2, 1)
    assert [len(mails_to(event, f"{n}@example.org")) for n in ("cai", "dea")] == [2, 2]


def test_the_same_accept_link_clicked_twice_confirms_once(site):
    event = EventFactory(capacity=1)
    [anne] = register_people(event, "Anne")
    [bo] = register_people(event, "Bo")
    cancel_registration(anne)

    results = at_once(lambda: accept_offer(bo), lambda: accept_offer(bo))

    assert len(errors(results)) == 1
    assert isinstance(errors(results)[0], RegistrationError)
    assert statuses(event)["Bo"] == "confirmed"
    assert consistent_counts(event) == (1, 0, 0)
    promoted = [r for r in mails_to(event, "bo@example.org") if r.endswith(".promoted")]
    assert len(promoted) == 1


def test_accept_racing_expiry_ends_one_way_only(site):
    event = EventFactory(capacity=1)
    [anne] = register_people(event, "Anne")
    [bo] = register_people(event, "Bo")
    register_people(event, "Cai")
    cancel_registration(anne)
    bo.refresh_from_db()
    due = bo.offer_expires_at  # the expiry runs as if its deadline had come

    results = at_once(lambda: accept_offer(bo), lambda: expire_offers(event, now=due))

    outcome = statuses(event)
    if outcome["Bo"] == "confirmed":  # accepted first: the expiry found nothing due
        assert (results[1], outcome["Cai"]) == ([], "waiting")
        assert consistent_counts(event) == (1, 0, 1)
    else:  # expired first: the acceptance was refused and Cai has the offer
        assert isinstance(results[0], RegistrationError)
        assert (outcome["Bo"], outcome["Cai"]) == ("cancelled", "offered")
        assert consistent_counts(event) == (0, 1, 0)


def test_cancellation_racing_acceptance_keeps_every_seat_counted(site):
    event = EventFactory(capacity=2)
    anne, bo = register_people(event, "Anne", "Bo")
    [cai] = register_people(event, "Cai")
    register_people(event, "Dea")
    cancel_registration(bo)  # Cai is offered Bo's seat
    cai.refresh_from_db()

    results = at_once(lambda: cancel_registration(anne), lambda: accept_offer(cai))

    assert errors(results) == []
    assert statuses(event) == {
        "Anne": "cancelled",
        "Bo": "cancelled",
        "Cai": "confirmed",
        "Dea": "offered",
    }
    assert consistent_counts(event) == (1, 1, 0)
