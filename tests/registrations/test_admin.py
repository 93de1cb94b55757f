import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.registrations.enums import ChangeAction
from tilmeld.registrations.models import Participant, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_staff_register_beyond_capacity_with_override(staff_client, site):
    event = EventFactory(capacity=1)
    register_people(event, "A")
    url = reverse("admin:registrations_participant_register")
    data = {
        "event": event.pk,
        "name": "Ekstra Gæst",
        "email": "gaest@example.org",
        "language": "da",
        "override_capacity": "on",
    }

    response = staff_client.post(url, data)

    guest = Participant.objects.get(email="gaest@example.org")
    assert response.status_code == 302
    assert guest.status == "confirmed"
    assert guest.changes.first().by_user.is_staff


def test_staff_register_without_override_joins_waiting_list(staff_client, site):
    event = EventFactory(capacity=1)
    register_people(event, "A")
    data = {"event": event.pk, "name": "B", "email": "b@example.org", "language": "da"}

    staff_client.post(reverse("admin:registrations_participant_register"), data)

    assert Participant.objects.get(email="b@example.org").status == "waiting"


def test_admin_actions_cancel_promote_resend(staff_client, site):
    event = EventFactory(capacity=1)
    a, b = register_people(event, "A", "B")
    url = reverse("admin:registrations_participant_changelist")
    mail.outbox.clear()

    staff_client.post(url, {"action": "promote_selected", "_selected_action": [b.pk]})
    staff_client.post(url, {"action": "cancel_selected", "_selected_action": [a.pk], "post": "yes"})
    staff_client.post(url, {"action": "resend_selected", "_selected_action": [b.pk]})

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("cancelled", "confirmed")
    assert [c.action for c in b.changes.all()] == [
        ChangeAction.REGISTERED,
        ChangeAction.WAITING,
        ChangeAction.PROMOTED,
        ChangeAction.RESENT,
    ]
    assert len(mail.outbox) == 3


def test_staff_substitute_view(staff_client, site):
    event = EventFactory()
    [a] = register_people(event, "A")
    url = reverse("admin:registrations_participant_substitute", args=[a.pk])

    response = staff_client.post(url, {"name": "C", "email": "c@example.org"})

    new = Participant.objects.get(email="c@example.org")
    assert response.status_code == 302
    assert new.replaces == a


def test_admin_pages_load(staff_client, site):
    event = EventFactory(capacity=10)
    [a] = register_people(event, "A")

    pages = [
        reverse("admin:registrations_participant_changelist"),
        reverse("admin:registrations_participant_change", args=[a.pk]),
        reverse("admin:registrations_participant_register"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_event_changelist"),
        reverse("admin:mail_outboxmessage_changelist"),
    ]

    assert [staff_client.get(url).status_code for url in pages] == [200] * len(pages)
    assert "1 / 10" in staff_client.get(pages[4]).content.decode()
    assert 'rel="icon"' in staff_client.get(pages[0]).content.decode()  # no /favicon.ico 404


def test_editing_participant_in_admin_records_history(staff_client, site):
    event = EventFactory()
    [a] = register_people(event, "A")
    url = reverse("admin:registrations_participant_change", args=[a.pk])

    staff_client.post(url, {
        "name": "A Andersen", "email": a.email, "organisation": "Odense",
        "answers-TOTAL_FORMS": "0", "answers-INITIAL_FORMS": "0",
        "changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0",
        "session_choices-TOTAL_FORMS": "0", "session_choices-INITIAL_FORMS": "0",
    })  # fmt: skip

    change = a.changes.last()
    assert change.changes["name"] == ["A", "A Andersen"]
    assert change.by_user is not None


def test_csv_export_neutralises_formulas_and_lists_sessions(staff_client, site):
    from tilmeld.registrations.services.booking import Booker, Person, register

    event = EventFactory()
    register(
        event,
        booker=Booker("B", "b@example.org"),
        people=[Person('=HYPERLINK("http://x")', "evil@example.org", "+Kommune")],
        language="da",
    )
    url = reverse("admin:registrations_participant_changelist")
    ids = list(Participant.objects.values_list("pk", flat=True))

    response = staff_client.post(url, {"action": "export_csv", "_selected_action": ids})

    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.splitlines() == [
        "Navn;E-mail;Organisation;Stilling;Status;Programpunkter",
        '"\'=HYPERLINK(""http://x"")";evil@example.org;\'+Kommune;;Bekræftet;',
    ]


def test_staff_write_questions_and_their_choices_in_both_languages(staff_client, site):
    event = EventFactory()
    Question.objects.create(event=event, text_da="Kost", kind="choice", choices_da="Vegetar")

    page = staff_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    for name in ("text_da", "text_en", "choices_da", "choices_en"):
        assert f'name="questions-0-{name}"' in page


def test_the_participant_list_shows_each_waiting_place_as_the_participant_sees_it(
    staff_client, site
):
    from tilmeld.registrations.services import changes

    event = EventFactory(capacity=1)
    [a] = register_people(event, "A")
    register_people(event, "B")
    register_people(event, "C")
    register_people(event, "D")
    changes.cancel_registration(a)  # B moves up: C and D are now first and second in the queue

    page = staff_client.get(
        reverse("admin:registrations_participant_changelist") + f"?event__id__exact={event.pk}"
    ).content.decode()

    assert "Plads i køen" in page
    rows = {name: page.split(f">{name}<", 1)[1].split("</tr>", 1)[0] for name in "CD"}
    assert '<td class="field-queue_place">1</td>' in rows["C"]
    assert '<td class="field-queue_place">2</td>' in rows["D"]


def test_the_history_says_when_in_local_time_and_what_in_staff_words(staff_client, site):
    event = EventFactory()
    [a] = register_people(event, "A")
    a.changes.update(at="2026-06-01T06:57:00+00:00")
    url = reverse("admin:registrations_participant_change", args=[a.pk])
    staff_client.post(url, {
        "name": "A", "email": a.email, "organisation": "Odense", "job_title": "Leder",
        "answers-TOTAL_FORMS": "0", "answers-INITIAL_FORMS": "0",
        "changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0",
        "session_choices-TOTAL_FORMS": "0", "session_choices-INITIAL_FORMS": "0",
    })  # fmt: skip

    page = staff_client.get(url).content.decode()

    assert "1. juni 2026, kl. 8.57: Tilmeldt" in page  # summer time in Copenhagen
    assert "Stilling: – → Leder" in page
    assert "job_title:" not in page
    assert "Sprog" in page and ">Dansk<" in page
    link = settings.SITE_URL + a.get_manage_url()
    assert f'<a href="{link}">{link}</a>' in page  # staff can open it, as in the mail


def test_staff_registering_someone_mails_only_that_person_with_their_own_link(staff_client, site):
    event = EventFactory(capacity=10)
    data = {"event": event.pk, "name": "Ekstra Gest", "email": "gaest@example.org",
            "organisation": "Vejle Bibliotekerne", "language": "da"}  # fmt: skip

    staff_client.post(reverse("admin:registrations_participant_register"), data)

    guest = Participant.objects.get(email="gaest@example.org")
    assert [m.to for m in mail.outbox] == [["Ekstra Gest <gaest@example.org>"]]
    assert guest.get_manage_url() in mail.outbox[0].body
    assert guest.booking.booker_email == "gaest@example.org"
    assert guest.changes.get().by_user.is_staff


def test_staff_registering_an_address_already_registered_are_told_so_plainly(staff_client, site):
    event = EventFactory(capacity=10)
    [a] = register_people(event, "A")
    mail.outbox.clear()
    data = {"event": event.pk, "name": "A igen", "email": a.email, "language": "da"}

    response = staff_client.post(reverse("admin:registrations_participant_register"), data)

    assert response.status_code == 200
    assert "Adressen er allerede tilmeldt arrangementet." in response.content.decode()
    assert "har vi sendt linket" not in response.content.decode()
    assert mail.outbox == []
    assert Participant.objects.count() == 1


def test_staff_registering_answer_the_events_questions_and_choose_its_sessions(staff_client, site):
    from tests.registrations.test_sessions import three_workshops

    event = EventFactory(capacity=10)
    workshop_b = three_workshops(event)[1]
    diet = Question.objects.create(event=event, text_da="Kost", kind="text", required=True)
    url = reverse("admin:registrations_participant_register")
    data = {"event": event.pk, "name": "Gitte Manuel", "email": "gitte@example.org",
            "language": "da"}  # fmt: skip

    first = staff_client.post(url, data).content.decode()  # the event picked in the form

    assert "Kost" in first and "Workshop B" in first
    assert "Besvar arrangementets spørgsmål" in first
    assert not Participant.objects.exists()

    answered = {**data, "shown_for": event.pk, f"q{diet.pk}": "Vegetar",
                "session_0": workshop_b.pk}  # fmt: skip
    response = staff_client.post(url, answered)

    gitte = Participant.objects.get()
    assert response.status_code == 302
    assert gitte.answers.get().value == "Vegetar"
    assert [c.session for c in gitte.session_choices.all()] == [workshop_b]


def test_staff_registering_from_the_events_link_see_its_questions_at_once(staff_client, site):
    event = EventFactory(capacity=10)
    Question.objects.create(event=event, text_da="Kost", kind="text")

    page = staff_client.get(
        reverse("admin:registrations_participant_register") + f"?event={event.pk}"
    ).content.decode()

    assert "Kost" in page
    assert f'name="shown_for" value="{event.pk}"' in page
    odd = staff_client.get(reverse("admin:registrations_participant_register") + "?event=²")
    assert odd.status_code == 200  # a digit, but not one a key is made of


def test_an_outbox_mail_reads_as_staff_words_without_internal_parameters(staff_client, site):
    from tilmeld.mail.models import OutboxMessage

    event = EventFactory()
    register_people(event, "A")
    message = OutboxMessage.objects.get()

    page = staff_client.get(
        reverse("admin:mail_outboxmessage_change", args=[message.pk])
    ).content.decode()

    assert "Mislykkede forsøg" in page
    assert ">Dansk<" in page
    assert "tilmeld.registrations.mails" not in page
    assert '{"participant"' not in page and "{&quot;participant" not in page


def test_the_background_tasks_read_in_danish_in_the_admin(staff_client, site):
    from django.contrib.auth.models import User

    User.objects.filter(is_staff=True).update(is_superuser=True)

    index = staff_client.get(reverse("admin:index")).content.decode()
    tasks = staff_client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist")
    ).content.decode()

    assert "Baggrundsopgaver" in index and "Tasks Database Backend" not in index
    assert "Opgaver" in index and "Task Results" not in index
    assert "Task Result" not in tasks


def test_moving_up_out_of_turn_beyond_capacity_says_so(staff_client, site):
    event = EventFactory(capacity=1)
    _a, _b, c = register_people(event, "A", "B", "C")  # B first in the queue, then C
    url = reverse("admin:registrations_participant_changelist")

    response = staff_client.post(
        url, {"action": "promote_selected", "_selected_action": [c.pk]}, follow=True
    )

    page = response.content.decode()
    assert "1 rykket op." in page
    assert "Sprunget over i køen: B." in page
    assert "2 bekræftede til 1 pladser." in page


def test_offering_a_seat_on_a_full_event_from_the_filtered_list_warns(staff_client, site):
    event = EventFactory(capacity=1)
    _a, _b, c = register_people(event, "A", "B", "C")
    url = reverse("admin:registrations_participant_changelist") + "?status__exact=waiting"

    response = staff_client.post(
        url, {"action": "offer_selected", "_selected_action": [c.pk]}, follow=True
    )

    page = response.content.decode()
    assert "1 har fået tilbudt en plads." in page
    assert "1 bekræftede og 1 tilbudte til 1 pladser." in page


def test_staff_see_and_change_a_participants_sessions(staff_client, site):
    from tests.registrations.test_sessions import book, three_workshops

    event = EventFactory(capacity=10)
    workshop_a, workshop_b, _c = three_workshops(event)
    anne = book(event, "Anne", workshop_a)
    change_page = reverse("admin:registrations_participant_change", args=[anne.pk])
    sessions_page = reverse("admin:registrations_participant_sessions", args=[anne.pk])

    before = staff_client.get(change_page).content.decode()
    assert "Workshop A" in before and f'href="{sessions_page}"' in before
    assert "din plads" not in staff_client.get(sessions_page).content.decode()  # staff read it

    response = staff_client.post(sessions_page, {"session_0": workshop_b.pk})

    assert response.status_code == 302
    assert [c.session for c in anne.session_choices.all()] == [workshop_b]
    assert anne.changes.last().by_user.is_staff
    assert "Workshop B" in staff_client.get(change_page).content.decode()
