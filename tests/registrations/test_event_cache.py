"""The public form keeps its event for a moment; seats are still decided on fresh data."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from bench.queries import waits
from tests.factories import EventFactory, register_people
from tests.registrations.test_views import form_data, register_url
from tilmeld.events.models import Event, Session
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations import event_cache
from tilmeld.registrations.models import Participant, ParticipantChange, Question

pytestmark = pytest.mark.django_db


def test_a_registration_after_the_form_reads_no_event(
    client, site, database_tasks, django_assert_num_queries
):
    event = EventFactory(capacity=10)
    register_people(event, "Bo")  # the seat counter exists
    data = form_data(client, event)

    # The seat lock, the event's capacity read under it (on PostgreSQL with the new rows'
    # keys), the savepoint pair of the test's own transaction, and the writes: on PostgreSQL
    # two statements (see core.rows.CACHED_PARAMS); on SQLite booking, participant, history,
    # seat count, outbox and task one by one.
    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 10):
        response = client.post(register_url(event), data)

    assert response.status_code == 302
    assert Participant.objects.get(email="anne@example.org").status == "confirmed"


def test_capacity_lowered_by_another_process_is_honoured_at_once(client, site, database_tasks):
    event = EventFactory(capacity=10)
    register_people(event, "Bo")
    data = form_data(client, event)
    Event.objects.filter(pk=event.pk).update(capacity=1)  # no signal reaches this process

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    anne = Participant.objects.get(email="anne@example.org")
    assert (anne.status, anne.waiting_position) == ("waiting", 1)


def test_waiting_list_switched_off_by_another_process_is_honoured_at_once(
    client, site, database_tasks
):
    event = EventFactory(capacity=1)
    register_people(event, "Bo")
    data = form_data(client, event)
    Event.objects.filter(pk=event.pk).update(waiting_list_enabled=False)

    response = client.post(register_url(event), data)

    assert response.status_code == 409
    assert "Beklager, arrangementet er udsolgt." in response.content.decode()
    assert not Participant.objects.filter(email="anne@example.org").exists()


def test_staff_closing_registration_in_this_process_applies_at_once(client, site):
    event = EventFactory(capacity=10)
    data = form_data(client, event)
    event.registration_closes_at = timezone.now() - dt.timedelta(minutes=1)
    event.save()

    response = client.post(register_url(event), data)

    assert response.status_code == 409
    assert not Participant.objects.exists()


def test_a_change_no_signal_announces_applies_within_seconds(client, site):
    event = EventFactory(capacity=10)
    data = form_data(client, event)
    closed = timezone.now() - dt.timedelta(minutes=1)
    Event.objects.filter(pk=event.pk).update(registration_closes_at=closed)

    with time_machine.travel(dt.timedelta(seconds=event_cache.ttl() + 0.1)):
        response = client.post(register_url(event), data)

    assert response.status_code == 409
    assert not Participant.objects.exists()


def test_a_question_added_in_this_process_applies_at_once(client, site):
    event = EventFactory(capacity=10)
    data = form_data(client, event)
    question = Question.objects.create(event=event, text_da="Afdeling", required=True)

    response = client.post(register_url(event), data)

    assert response.status_code == 422
    assert f'id="id_q{question.pk}_error"' in response.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_question_deleted_by_another_process_meanwhile_is_a_clear_refusal(
    client, site, database_tasks
):
    event = EventFactory(capacity=10)
    question = Question.objects.create(event=event, text_da="Afdeling")
    data = form_data(client, event, **{f"q{question.pk}": "Udlån"})
    with connection.cursor() as cursor:  # no signal reaches this process
        cursor.execute("DELETE FROM registrations_question WHERE id = %s", [question.pk])

    response = client.post(register_url(event), data)

    assert response.status_code == 409
    assert "Formularen er ændret, siden du åbnede den" in response.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_session_deleted_by_another_process_meanwhile_is_a_clear_refusal(client, site):
    start = timezone.now() + dt.timedelta(days=30)
    event = EventFactory(capacity=10, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    workshop = Session.objects.create(
        event=event,
        title_da="Workshop A",
        starts_at=start + dt.timedelta(hours=1),
        ends_at=start + dt.timedelta(hours=2),
        capacity=5,
    )
    data = form_data(client, event, session_0=str(workshop.pk))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM events_session WHERE id = %s", [workshop.pk])

    response = client.post(register_url(event), data)

    assert response.status_code == 409
    assert not Participant.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pipelines are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks")
def test_a_registration_waits_for_the_database_three_times(client, site):
    event = EventFactory(capacity=10)
    register_people(event, "Bo")  # the seat counter exists
    data = form_data(client, event)

    # BEGIN; the keys, the seat lock and the capacity together; every write with the COMMIT
    with waits(connection) as waited:
        response = client.post(register_url(event), data)

    assert response.status_code == 302
    assert waited.count == 3
    anne = Participant.objects.get(email="anne@example.org")
    assert anne.status == "confirmed"
    assert ParticipantChange.objects.filter(participant=anne).count() == 1
    assert OutboxMessage.objects.filter(params__participant=anne.pk).count() == 1


def test_a_session_filled_meanwhile_shows_as_full_when_the_form_comes_back(client, site):
    from tests.registrations.test_sessions import book, three_workshops

    event = EventFactory(capacity=10)
    workshop_a, _b, _c = three_workshops(event, capacity=1)
    data = form_data(client, event, session_0=str(workshop_a.pk))  # the form read 1 seat left
    book(event, "Bo", workshop_a)  # the last seat goes meanwhile

    page = client.post(register_url(event), data).content.decode()

    assert "»Workshop A« er fuldt." in page
    assert "Workshop A · Lokale 1 – fuldt" in page
    assert "Workshop A · Lokale 1 – 1 ledig plads" not in page
