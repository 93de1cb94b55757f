"""Staff see stuck mail in the outbox and can send it again."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import StaffFactory
from tilmeld.mail.models import MessageStatus, OutboxMessage
from tilmeld.mail.services import queue_mail

pytestmark = pytest.mark.django_db

LEASE = dt.timedelta(seconds=settings.MAIL_SEND_LEASE)
URL = reverse("admin:mail_outboxmessage_changelist")


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def mail_in(status, number, **fields):
    message = queue_mail(
        "tests.mail.renderers.numbered", to_email=f"p{number}@example.org", params={"number": 1}
    )
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, **fields)
    return message


@pytest.fixture
def outbox():
    """One mail in each state, an hour after they were queued."""
    now = timezone.now()
    return {
        "sending, lease over": mail_in("sending", 1, claimed_at=now - LEASE),
        "sending now": mail_in("sending", 2, claimed_at=now + dt.timedelta(hours=1)),
        "queued, untouched": mail_in("queued", 3),
        "queued, retry later": mail_in("queued", 4, next_attempt_at=now + dt.timedelta(hours=2)),
        "failed": mail_in("failed", 5, attempts=8),
        "sent": mail_in("sent", 6, sent_at=now),
    }


def listed(response):
    return sorted(m.to_email for m in response.context["cl"].result_list)


def test_stuck_filter_lists_mail_neither_sent_nor_on_its_way(staff_client, outbox):
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        response = staff_client.get(URL, {"stuck": "yes"})

    assert listed(response) == ["p1@example.org", "p3@example.org"]
    assert "Sidder fast: hverken sendt eller på vej" in response.content.decode()


def test_retry_action_queues_stuck_and_failed_mail_and_leaves_the_rest(staff_client, outbox):
    data = {
        "action": "retry",
        "_selected_action": [m.pk for m in outbox.values()],
    }
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        response = staff_client.post(URL, data, follow=True)

    statuses = dict(OutboxMessage.objects.values_list("to_email", "status"))
    assert statuses == {
        "p1@example.org": MessageStatus.QUEUED,
        "p2@example.org": MessageStatus.SENDING,
        "p3@example.org": MessageStatus.QUEUED,
        "p4@example.org": MessageStatus.QUEUED,
        "p5@example.org": MessageStatus.QUEUED,
        "p6@example.org": MessageStatus.SENT,
    }
    assert [str(m) for m in response.context["messages"]] == [
        "3 mails er sat i kø igen.",
        "3 mails blev ikke rørt: de er sendt eller stadig på vej.",
    ]
    retried = OutboxMessage.objects.filter(to_email__in=["p1@example.org", "p5@example.org"])
    assert set(retried.values_list("attempts", "interruptions", "next_attempt_at")) == {
        (0, 0, None)
    }
