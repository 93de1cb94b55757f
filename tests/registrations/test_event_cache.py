"""The public form keeps its event for a moment; seats are still decided on fresh data."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import EventFactory, register_people
from tests.registrations.test_views import form_data, register_url
from tilmeld.events.models import Event
from tilmeld.registrations import event_cache
from tilmeld.registrations.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_tasks(settings):
    """Mail is queued as in production, not rendered in the request."""
    settings.TASKS = {"default": {"BACKEND": "tilmeld.mail.backend.OutboxTaskBackend"}}


def test_a_registration_after_the_form_reads_no_event(
    client, site, queued_tasks, django_assert_num_queries
):
    event = EventFactory(capacity=10)
    register_people(event, "Bo")  # the seat counter exists
    data = form_data(client, event)

    # booking, participant, history, seat lock, seat count, outbox, task, and the savepoint
    # pair of the test's own transaction
    with django_assert_num_queries(9):
        response = client.post(register_url(event), data)

    assert response.status_code == 302
    assert Participant.objects.get(email="anne@example.org").status == "confirmed"


def test_capacity_lowered_by_another_process_is_honoured_at_once(client, site, queued_tasks):
    event = EventFactory(capacity=10)
    register_people(event, "Bo")
    data = form_data(client, event)
    Event.objects.filter(pk=event.pk).update(capacity=1)  # no signal reaches this process

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    anne = Participant.objects.get(email="anne@example.org")
    assert (anne.status, anne.waiting_position) == ("waiting", 1)


def test_waiting_list_switched_off_by_another_process_is_honoured_at_once(
    client, site, queued_tasks
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


def test_a_change_by_another_process_applies_within_seconds(client, site, monkeypatch):
    event = EventFactory(capacity=10)
    data = form_data(client, event)
    closed = timezone.now() - dt.timedelta(minutes=1)
    Event.objects.filter(pk=event.pk).update(registration_closes_at=closed)
    later = event_cache.time.monotonic() + event_cache.ttl() + 0.1
    monkeypatch.setattr(event_cache.time, "monotonic", lambda: later)

    response = client.post(register_url(event), data)

    assert response.status_code == 409
    assert not Participant.objects.exists()
