"""A conference held on 10 March 2024: registered in February, with diet, needs and dinner
questions, one participant who handed the seat over, one who cancelled, arrivals at the door,
a priced seat paid by a public body, mails sent and a webhook delivered."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import EventFactory, PriceFactory, StaffFactory, public_payer
from tilmeld.invoicing import billing
from tilmeld.mail.models import MessageStatus, OutboxMessage
from tilmeld.registrations.models import Question
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration, substitute_participant
from tilmeld.registrations.services.checkin import check_in
from tilmeld.webhooks.models import Subscription

CPH = ZoneInfo("Europe/Copenhagen")


def local(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CPH)


REGISTERED = local(2024, 2, 15, 10)
HELD = local(2024, 3, 10, 9, 30)


@pytest.fixture(autouse=True)
def _database_tasks(settings):
    """Tasks wait in the database: mails and webhooks stay in their tables, unsent."""
    settings.TASKS = {"default": {"BACKEND": "tilmeld.mail.backend.OutboxTaskBackend"}}


@pytest.fixture
def staff(db):
    return StaffFactory(username="staff")


@pytest.fixture
def conference(site, staff):
    with time_machine.travel(REGISTERED, tick=False):
        Subscription.objects.create(
            url="https://hooks.example.org/tilmeld",
            events=["registration.created", "registration.confirmed", "invoice.issued"],
        )
        event = EventFactory(
            slug="konference-2024",
            title_da="Konference 2024",
            capacity=10,
            starts_at=HELD,
            ends_at=local(2024, 3, 10, 16),
            registration_opens_at=local(2024, 2, 1, 9),
            registration_closes_at=local(2024, 3, 8, 12),
            published_at=local(2024, 2, 1, 9),
        )
        diet = Question.objects.create(
            event=event,
            text_da="Kost",
            kind="multiple",
            choices_da="Vegetar\nGlutenfri",
            sensitive=True,
            position=1,
        )
        needs = Question.objects.create(event=event, text_da="Behov", kind="text", position=2)
        dinner = Question.objects.create(event=event, text_da="Middag", kind="yes_no", position=3)
        price = PriceFactory(event=event, amount=Decimal("1995.00"))
        anne = Person(
            "Anne Jensen",
            "Anne@Example.org",
            "Vejle Bibliotekerne",
            "Bibliotekar",
            "11223344",
            answers={diet.pk: ["Vegetar"], needs.pk: "Kørestol", dinner.pk: True},
            price_id=price.pk,
        )
        bo = Person(
            "Bo Hansen",
            "bo@example.org",
            "Vejle Bibliotekerne",
            "Leder",
            "55667788",
            answers={dinner.pk: False},
            price_id=price.pk,
        )
        booking = register(
            event,
            booker=Booker("Anne Jensen", "anne@example.org", "Vejle Bibliotekerne", "11223344"),
            people=[anne, bo],
            language="da",
            payer=public_payer(),
        )
        cai = register(
            event,
            booker=Booker("Cai Berg", "cai@example.org"),
            language="da",
            people=[Person("Cai Berg", "cai@example.org", "Odense Bibliotekerne")],
            by=staff,  # staff register without a payer
        ).participants.get()
        billing.settle(booking)
        anne_row, bo_row = booking.participants.order_by("pk")
        dea = substitute_participant(
            bo_row, Person("Dea Holm", "dea@example.org", "Vejle Bibliotekerne"), by=staff
        )
        cancel_registration(cai, by=staff, reason="Syg")
        OutboxMessage.objects.update(status=MessageStatus.SENT, sent_at=REGISTERED)
    with time_machine.travel(local(2024, 3, 10, 9, 15), tick=False):
        check_in(anne_row, by=staff)
    event.refresh_from_db()
    return {"event": event, "booking": booking, "anne": anne_row, "bo": bo_row, "dea": dea,
            "cai": cai}  # fmt: skip
