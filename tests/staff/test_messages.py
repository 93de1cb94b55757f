import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.services.booking import Person
from tilmeld.registrations.services.changes import cancel_registration, substitute_participant
from tilmeld.staff.models import Broadcast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def staff(client):
    user = StaffFactory(email="koordinator@example.org", first_name="Kim")
    client.force_login(user)
    return user


def post(client, event, **data):
    url = reverse("staff:message", kwargs={"event_id": event.pk})
    form = {"audience": "confirmed", "subject": "Praktisk info", "body": "Husk madpakke <b>!</b>"}
    return client.post(url, {**form, **data})


def test_preview_lists_recipients_without_cancelled_and_sends_nothing(client, staff, site):
    event = EventFactory(capacity=2, waiting_list_mode="automatic")
    anne, bo, _cai = register_people(event, "Anne", "Bo", "Cai")
    cancel_registration(bo)  # Cai moves up
    substitute_participant(anne, Person("Dea", "dea@example.org"))
    mail.outbox.clear()

    response = post(client, event, action="preview")

    page = response.content.decode()
    assert "Cai, Dea" in page
    assert "Kære Cai" in page
    assert "Husk madpakke &lt;b&gt;!&lt;/b&gt;" in page
    assert mail.outbox == []
    assert Broadcast.objects.count() == 0


def test_test_send_goes_only_to_the_staff_member(client, staff, site):
    event = EventFactory()
    register_people(event, "Anne")
    mail.outbox.clear()

    post(client, event, action="test")

    assert [m.to for m in mail.outbox] == [["Kim <koordinator@example.org>"]]
    assert mail.outbox[0].subject == "[Test] Praktisk info"
    assert "Kære Anne" in mail.outbox[0].body


def test_send_queues_one_logged_mail_per_recipient(client, staff, site):
    event = EventFactory(capacity=1)
    register_people(event, "Anne", "Bo")  # Bo waits
    mail.outbox.clear()

    response = post(client, event, action="send", audience="waiting")

    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert broadcast.recipient_count == 1
    assert [m.to for m in mail.outbox] == [["Bo <bo@example.org>"]]
    sent = OutboxMessage.objects.filter(reference=broadcast.reference)
    assert list(sent.values_list("to_email", "status")) == [("bo@example.org", "sent")]
    log = client.get(response["Location"]).content.decode()
    assert re.search(r"<td>Bo</td><td>bo@example.org</td><td>Sendt</td>", log)
    assert "<p>I kø: 0 · Sendes: 0 · Sendt: 1 · Fejlet: 0</p>" in log


def test_the_waiting_list_audience_includes_open_offers(client, staff, site):
    event = EventFactory(capacity=1)
    [anne] = register_people(event, "Anne")
    register_people(event, "Bo")
    register_people(event, "Cai")
    cancel_registration(anne)  # Bo is offered the seat; Cai waits

    response = post(client, event, action="preview", audience="waiting")

    assert "Bo, Cai" in response.content.decode()


def test_session_audience_needs_a_session(client, staff, site):
    event = EventFactory()

    response = post(client, event, action="preview", audience="session")

    assert "Vælg det programpunkt" in response.content.decode()


def test_preview_and_test_never_show_a_participants_manage_link(client, staff, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    mail.outbox.clear()

    preview = post(client, event, action="preview").content.decode()
    post(client, event, action="test")

    assert anne.manage_token not in preview
    assert "/tilmelding/EKSEMPEL/" in preview
    assert anne.manage_token not in mail.outbox[0].body


def test_staff_without_permission_cannot_write_to_participants(client, site):
    from django.contrib.auth.models import Permission

    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    event = EventFactory()

    response = post(client, event, action="send")

    assert response.status_code == 403
    assert Broadcast.objects.count() == 0


def test_the_preview_shows_hostile_names_and_text_as_text(client, staff, site):
    event = EventFactory()
    register_people(event, "<script>alert(1)</script> Gæst")

    page = post(client, event, action="preview").content.decode()

    preview = page.split('class="mail-preview">', 1)[1].split("</pre>", 1)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gæst" in preview
    assert "Husk madpakke &lt;b&gt;!&lt;/b&gt;" in preview
    assert "<script>" not in page and "<b>!</b>" not in page
