"""A person's data: looked up by address, downloaded exactly as held, erased with the
bookkeeping exception applied and explained."""

import csv
import io
import json
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import UserFactory
from tests.privacy.conftest import local
from tilmeld.invoicing.models import Invoice
from tilmeld.mail.models import OutboxMessage
from tilmeld.privacy import people
from tilmeld.registrations.models import Booking, Participant, Payer
from tilmeld.registrations.services.booking import Booker, Person, register

pytestmark = pytest.mark.django_db

LOOK_UP = reverse("admin:privacy_persondata_changelist")
DOWNLOAD = reverse("admin:privacy_persondata_download")
ERASE = reverse("admin:privacy_persondata_erase")
NOW = local(2025, 6, 2, 12)


def text(response) -> str:
    html = response.content.decode()
    main = html[html.index('id="content-main"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def anne_data(conference) -> dict:
    """Everything held about anne@example.org, as the conference fixture made it."""
    anne, booking = conference["anne"], conference["booking"]
    mails = list(OutboxMessage.objects.filter(to_email__iexact="anne@example.org").order_by("pk"))
    registered = "2024-02-15T10:00:00+01:00"
    return {
        "email": "anne@example.org",
        "participations": [
            {
                "id": anne.pk,
                "event": "Konference 2024",
                "booking_id": booking.pk,
                "name": "Anne Jensen",
                "email": "Anne@Example.org",
                "organisation": "Vejle Bibliotekerne",
                "job_title": "Bibliotekar",
                "phone": "11223344",
                "language": "da",
                "status": "confirmed",
                "created_at": registered,
                "cancelled_at": None,
                "checked_in_at": "2024-03-10T09:15:00+01:00",
                "answers": [
                    {"question": "Kost", "answer": ["Vegetar"]},
                    {"question": "Behov", "answer": "Kørestol"},
                    {"question": "Middag", "answer": True},
                ],
                "history": [
                    {"at": registered, "action": "registered", "changes": {}, "note": ""},
                    {
                        "at": "2024-03-10T09:15:00+01:00",
                        "action": "checked_in",
                        "changes": {},
                        "note": "",
                    },
                ],
            }
        ],
        "bookings": [
            {
                "id": booking.pk,
                "event": "Konference 2024",
                "created_at": registered,
                "name": "Anne Jensen",
                "email": "anne@example.org",
                "organisation": "Vejle Bibliotekerne",
                "phone": "11223344",
                "language": "da",
            }
        ],
        "payers": [
            {
                "booking_id": booking.pk,
                "kind": "public",
                "name": "Aarhus Kommune, Hovedbiblioteket",
                "ean": "5798009811578",
                "cvr": "",
                "order_reference": "PO-4711",
                "person_reference": "Hans Hansen",
                "street": "Hack Kampmanns Plads 2",
                "postcode": "8000",
                "city": "Aarhus C",
                "email": "faktura@example.org",
            }
        ],
        "mails": [
            {
                "id": mail.pk,
                "created_at": registered,
                "to_email": address,
                "to_name": "Anne Jensen",
                "subject": "",
                "status": "sent",
                "sent_at": registered,
            }
            for mail, address in zip(mails, ["Anne@Example.org", "anne@example.org"], strict=True)
        ],
        "invoices": [
            {
                "number": "0001",
                "kind": "invoice",
                "issue_date": "2024-02-15",
                "buyer": "Aarhus Kommune, Hovedbiblioteket",
                "contact_name": "Anne Jensen",
                "contact_email": "faktura@example.org",
                "person_reference": "Hans Hansen",
                "lines": ["Anne Jensen, 10. marts 2024", "Bo Hansen, 10. marts 2024"],
                "gross": "3990.00",
                "kept_unchanged_until": "2029-12-31",
                "names_removed_at": None,
            }
        ],
    }


def test_the_json_download_is_exactly_what_is_held(staff_client, conference):
    response = staff_client.post(DOWNLOAD, {"email": " ANNE@example.org ", "format": "json"})

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="person-data.json"'
    assert json.loads(response.content) == anne_data(conference)


def test_the_csv_download_has_one_line_per_value(staff_client, conference):
    cai = conference["cai"]
    mails = OutboxMessage.objects.filter(to_email="cai@example.org").order_by("pk")
    at = "2024-02-15T10:00:00+01:00"

    response = staff_client.post(DOWNLOAD, {"email": "cai@example.org", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    participation = [
        ("id", str(cai.pk)), ("event", "Konference 2024"), ("booking_id", str(cai.booking_id)),
        ("name", "Cai Berg"), ("email", "cai@example.org"),
        ("organisation", "Odense Bibliotekerne"), ("job_title", ""), ("phone", ""),
        ("language", "da"), ("status", "cancelled"),
        ("created_at", at), ("cancelled_at", at), ("checked_in_at", ""), ("answers", ""),
        ("history.1.at", at), ("history.1.action", "registered"), ("history.1.changes", ""),
        ("history.1.note", ""), ("history.2.at", at), ("history.2.action", "cancelled"),
        ("history.2.changes.status", "confirmed, cancelled"), ("history.2.note", "Syg"),
    ]  # fmt: skip
    booking = [
        ("id", str(cai.booking_id)), ("event", "Konference 2024"), ("created_at", at),
        ("name", "Cai Berg"), ("email", "cai@example.org"), ("organisation", ""), ("phone", ""),
        ("language", "da"),
    ]  # fmt: skip
    mail = [
        [("id", str(m.pk)), ("created_at", at), ("to_email", "cai@example.org"),
         ("to_name", "Cai Berg"), ("subject", ""), ("status", "sent"), ("sent_at", at)]
        for m in mails
    ]  # fmt: skip
    assert rows == [
        ["section", "record", "field", "value"],
        *(["participations", "1", k, v] for k, v in participation),
        *(["bookings", "1", k, v] for k, v in booking),
        *(["mails", "1", k, v] for k, v in mail[0]),
        *(["mails", "2", k, v] for k, v in mail[1]),
    ]


def test_the_page_shows_what_is_held(staff_client, conference):
    page = text(staff_client.post(LOOK_UP, {"email": "anne@example.org"}))

    assert "Registreret om anne@example.org" in page
    assert "Navn Anne Jensen E-mail Anne@Example.org Organisation Vejle Bibliotekerne" in page
    assert "Kost Vegetar Behov Kørestol Middag True" in page
    assert "0001 15. februar 2024 Aarhus Kommune, Hovedbiblioteket Anne Jensen Hans Hansen" in page
    assert "Hent (JSON) Hent (CSV) Slet personens data …" in page


def test_an_unknown_address_gets_a_clear_message(staff_client, conference):
    page = text(staff_client.post(LOOK_UP, {"email": "nobody@example.org"}))
    erase = text(staff_client.post(ERASE, {"email": "nobody@example.org"}))

    message = (
        "Tilmeld har intet om nobody@example.org: ingen deltager, booking, betaler, mail eller "
        "faktura har denne adresse."
    )
    assert message in page
    assert message in erase


def test_a_malformed_address_is_refused_next_to_the_field(staff_client, conference):
    page = text(staff_client.post(LOOK_UP, {"email": "anne at example"}))

    assert "Indtast en gyldig e-mail-adresse." in page
    assert "Registreret om" not in page


def test_erasure_asks_first_and_keeps_a_young_invoice(staff_client, conference):
    with time_machine.travel(NOW, tick=False):
        confirm = text(staff_client.post(ERASE, {"email": "anne@example.org"}))
    assert Participant.objects.filter(name="Anne Jensen").exists()  # not yet
    assert "Faktura 0001: gemmes til og med 31. december 2029" in confirm

    with time_machine.travel(NOW, tick=False):
        done = text(staff_client.post(ERASE, {"email": "anne@example.org", "confirmed": "yes"}))

    assert "Slettet: 1 tilmeldinger, 1 bookinger, 2 mails; navne fjernet fra 0 fakturaer." in done
    assert "Faktura 0001: gemmes til og med 31. december 2029" in done
    anne = Participant.objects.get(pk=conference["anne"].pk)
    assert (anne.name, anne.email, anne.phone, anne.job_title, anne.organisation) == (
        "Anonymiseret",
        f"participant-{anne.pk}@anonymised.invalid",
        "",
        "",
        "Vejle Bibliotekerne",
    )
    assert [a.question.text for a in anne.answers.all()] == ["Middag"]
    booking = Booking.objects.get(pk=conference["booking"].pk)
    assert (booking.booker_name, booking.booker_phone) == ("Anonymiseret", "")
    assert Payer.objects.get().person_reference == ""
    assert not OutboxMessage.objects.filter(to_email__iexact="anne@example.org").exists()
    # The others on the booking are not touched; nor is the invoice, a bookkeeping record.
    assert Participant.objects.filter(name="Dea Holm").exists()
    invoice = Invoice.objects.get()
    assert (invoice.anonymised_at, invoice.as_document().buyer.contact_name) == (
        None,
        "Anne Jensen",
    )


def test_erasure_removes_the_names_from_an_invoice_past_its_period(staff_client, conference):
    from tests.privacy.test_retention import _issued_in_2019

    old = _issued_in_2019(conference)
    with time_machine.travel(NOW, tick=False):
        result = people.erase("anne@example.org")

    old.refresh_from_db()
    assert result.invoices_anonymised == 1
    assert result.invoices_kept == [("0001", local(2029, 12, 31).date())]
    assert old.as_document().buyer.contact_name == ""
    assert old.anonymised_at == NOW


def test_erasing_twice_is_harmless(staff_client, conference):
    with time_machine.travel(NOW, tick=False):
        staff_client.post(ERASE, {"email": "cai@example.org", "confirmed": "yes"})
        after = list(Participant.objects.values_list("pk", "name", "email"))
        again = text(staff_client.post(ERASE, {"email": "cai@example.org", "confirmed": "yes"}))

    assert "Tilmeld har intet om cai@example.org: intet blev slettet." in again
    assert list(Participant.objects.values_list("pk", "name", "email")) == after


def test_the_pages_need_their_permissions(client, conference):
    client.force_login(UserFactory(is_staff=True))
    assert client.post(LOOK_UP, {"email": "anne@example.org"}).status_code == 403

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="look_up_person"))
    client.force_login(viewer)
    page = text(client.post(LOOK_UP, {"email": "anne@example.org"}))
    assert "Slet personens data" not in page
    assert client.post(ERASE, {"email": "anne@example.org"}).status_code == 403


@pytest.mark.parametrize("events", [1, 3])
def test_the_lookup_page_reads_the_same_number_of_times_however_much_is_held(
    staff_client, site, events, django_assert_num_queries
):
    from tests.factories import EventFactory

    for number in range(events):
        event = EventFactory()
        register(
            event,
            booker=Booker("Eva Lund", "eva@example.org"),
            people=[Person("Eva Lund", "eva@example.org", f"Bibliotek {number}")],
            language="da",
        )
    staff_client.post(LOOK_UP, {"email": "eva@example.org"})  # the session and the user, warmed

    with django_assert_num_queries(11):  # 10 reads, and the audit log's line
        response = staff_client.post(LOOK_UP, {"email": "eva@example.org"})

    assert text(response).count("Eva Lund") == 3 * events  # participant, booker, mail


def test_looking_up_downloading_and_erasing_are_each_in_the_audit_log(staff_client, conference):
    from tilmeld.audit.models import AuditEntry
    from tilmeld.audit.services import person_reference

    staff_client.post(LOOK_UP, {"email": "anne@example.org"})
    staff_client.post(DOWNLOAD, {"email": "anne@example.org", "format": "csv"})
    staff_client.post(ERASE, {"email": "anne@example.org"})  # asked first: nothing done yet
    with time_machine.travel(NOW, tick=False):
        staff_client.post(ERASE, {"email": "Anne@Example.org", "confirmed": "yes"})

    anne = person_reference("anne@example.org")
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "target", "count")) == [
        ("person_lookup", anne, None),
        ("person_download", f"{anne} csv", None),
        ("person_erasure", anne, 4),
    ]
    assert not AuditEntry.objects.filter(target__icontains="example.org").exists()
