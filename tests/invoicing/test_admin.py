"""The invoice admin: issued invoices are read, never edited; staff mark them paid, remind,
credit them, import the bank's file and download the documents."""

import datetime as dt
import re
from contextlib import contextmanager
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.module_loading import import_string

from tests.core.admin_pages import cell_text, changelist_rows, shown_messages
from tests.core.pages import content, squeeze, url
from tests.factories import EventFactory, PriceFactory, StaffFactory, public_payer, register_paid
from tests.invoicing.test_documents import invoice as document
from tests.invoicing.test_documents import seat
from tilmeld.invoicing import billing
from tilmeld.invoicing.delivery import deliver_invoice
from tilmeld.invoicing.models import Delivery, Invoice, Payment, Reminder
from tilmeld.invoicing.payments import record_payment
from tilmeld.invoicing.services import issue
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.payers import PayerData

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
MAY_1 = dt.datetime(2026, 5, 1, 10, tzinfo=CPH)  # invoices are due on 31 May
JUNE_5 = dt.datetime(2026, 6, 5, 10, tzinfo=CPH)


def company() -> PayerData:
    return PayerData(kind="company", name="Bogbussen ApS", cvr="29189919", email="bog@example.org")


def person() -> PayerData:
    return PayerData(
        kind="person",
        name="Lis Holm",
        street="Søndergade 1",
        postcode="8000",
        city="Aarhus C",
        email="lis@example.org",
    )


LIST = "admin:invoicing_invoice_changelist"


@pytest.fixture(autouse=True)
def _may_first():
    with time_machine.travel(MAY_1, tick=False):
        yield


@pytest.fixture
def staff_client(client, site):
    client.force_login(StaffFactory(username="bogholder"))
    return client


@contextmanager
def on_june_5(client):
    """Five days after the invoices' due date (31 May); logged in anew, as the session of
    1 May has expired by then."""
    user = client.session.get("_auth_user_id")
    with time_machine.travel(JUNE_5, tick=False):
        client.force_login(get_user_model().objects.get(pk=user))
        yield


@pytest.fixture
def event(site):
    return EventFactory(title_da="Årsmøde", capacity=50)


@pytest.fixture
def price(event):
    return PriceFactory(event=event, amount=Decimal("1995.00"))


def invoiced(event, price, *names, payer=None) -> Invoice:
    """One booking of `names` at `price`, invoiced (1.995 kr. incl. VAT each)."""
    payer = company() if payer is None else payer
    [issued] = billing.settle(register_paid(event, *names, price=price, payer=payer))
    return issued


def act(client, action: str, *invoices, **params):
    return client.post(
        url(LIST),
        {"action": action, "_selected_action": [i.pk for i in invoices], **params},
        follow=True,
    )


def test_the_list_shows_each_invoice_with_what_is_paid_and_outstanding(staff_client, event, price):
    first = invoiced(event, price, "Anna Jensen", "Bo Hansen")
    record_payment(first, "1000.00", paid_on=dt.date(2026, 5, 2), by=None)
    second = invoiced(event, price, "Carl Nielsen", payer=person())
    billing.credit_invoice(second)

    rows = changelist_rows(staff_client.get(url(LIST)))

    assert rows == [
        ["K-0001", "Kreditnota", "01.05.2026", "Lis Holm", "Årsmøde", "1.995,00 kr.", "–", "–",
         "–", "False", "–", "–"],
        ["0002", "Faktura", "01.05.2026", "Lis Holm", "Årsmøde", "1.995,00 kr.", "0,00 kr.",
         "0,00 kr.", "31.05.2026", "False", "–", "–"],
        ["0001", "Faktura", "01.05.2026", "Bogbussen ApS", "Årsmøde", "3.990,00 kr.",
         "1.000,00 kr.", "2.990,00 kr.", "31.05.2026", "False", "–", "–"],
    ]  # fmt: skip


@pytest.mark.parametrize("count", [1, 10])
def test_the_list_query_count_does_not_grow(
    staff_client, event, price, django_assert_num_queries, count
):
    for n in range(count):
        issued = invoiced(event, price, f"Deltager {n}")
        record_payment(issued, "100.00", paid_on=dt.date(2026, 5, 2), by=None)

    with django_assert_num_queries(7):
        response = staff_client.get(url(LIST))

    assert len(changelist_rows(response)) == count


def test_the_list_filters_overdue_paid_kind_and_event(staff_client, event, price):
    unpaid = invoiced(event, price, "Anna Jensen")
    paid = invoiced(event, price, "Bo Hansen")
    record_payment(paid, "1995.00", paid_on=dt.date(2026, 5, 2), by=None)
    other_event = EventFactory(title_da="Temadag")
    elsewhere = invoiced(other_event, PriceFactory(event=other_event), "Carl Nielsen")
    note = billing.credit_invoice(elsewhere)

    def numbers(**params):
        return [row[0] for row in changelist_rows(staff_client.get(url(LIST), params))]

    with on_june_5(staff_client):
        assert numbers(overdue="yes") == [unpaid.number]
        assert numbers(overdue="no") == [note.number, elsewhere.number, paid.number]
        assert numbers(payment="paid") == [elsewhere.number, paid.number]  # credited in full
        assert numbers(payment="unpaid") == [unpaid.number]
        assert numbers(kind__exact="credit_note") == [note.number]
        assert numbers(booking__event__id__exact=event.pk) == [paid.number, unpaid.number]
        assert numbers(q="Bo Hansen") == []  # the buyer is searched, not the participants
        assert numbers(q="K-0001") == [note.number]
        assert numbers(q="0003") == [elsewhere.number]
        overdue_row = changelist_rows(staff_client.get(url(LIST), {"overdue": "yes"}))[0]
    assert overdue_row[9] == "True"


def test_an_issued_invoice_cannot_be_changed_added_or_deleted(staff_client, event, price):
    issued = invoiced(event, price, "Anna Jensen")
    stored = Invoice.objects.values().get(pk=issued.pk)

    changed = staff_client.post(
        url("admin:invoicing_invoice_change", object_id=issued.pk),
        {"buyer_name": "Someone Else", "gross": "1", "number": "9999", "_save": "Gem"},
    )
    added = staff_client.post(url("admin:invoicing_invoice_add"), {"buyer_name": "Ny"})
    deleted = staff_client.post(
        url("admin:invoicing_invoice_delete", object_id=issued.pk), {"post": "yes"}
    )

    assert changed.status_code == 403
    page = content(changed)
    assert squeeze(re.search(r'<p class="errornote">(.*?)</p>', page).group(1)) == (
        "En udstedt faktura ændres aldrig. Ret den ved at kreditere den og lade en ny faktura"
        " udstede."
    )
    assert (added.status_code, deleted.status_code) == (403, 403)
    assert Invoice.objects.values().get(pk=issued.pk) == stored
    assert Invoice.objects.count() == 1


def test_the_page_shows_the_document_its_payments_and_downloads(staff_client, event, price):
    issued = invoiced(event, price, "Anna Jensen", "Bo Hansen")
    record_payment(issued, "990.00", paid_on=dt.date(2026, 5, 2), by=None, reference="Giro 4711")

    response = staff_client.get(url("admin:invoicing_invoice_change", object_id=issued.pk))

    page = content(response)
    document = cell_text(page[page.index("<h2>Dokumentet") :].split("</fieldset>")[0])
    assert document == (
        "Dokumentet Kunde Bogbussen ApS Att. Anna Jensen"
        " bog@example.org CVR-nr. 29189919 Betalingsreference 0001"
        " Beskrivelse Antal Stykpris Beløb ekskl. moms"
        " Årsmøde: Ikke-medlem Anna Jensen, 31. maj 2026 1 1.596,00 kr. 1.596,00 kr."
        " Årsmøde: Ikke-medlem Bo Hansen, 31. maj 2026 1 1.596,00 kr. 1.596,00 kr."
        " Momssats Momsgrundlag Moms 25 % 3.192,00 kr. 798,00 kr."
        " I alt inkl. moms 3.990,00 kr. Årsmøde, 31. maj 2026"
    )
    assert "Betalt 990,00 kr., krediteret 0,00 kr., udestående 3.000,00 kr." in squeeze(page)
    payments = cell_text(page[page.index('id="payments-group"') :].split("</table>")[0])
    assert "2. maj 2026 990,00 kr. Giro 4711 Manuel" in payments
    links = dict(re.findall(r'<a href="([^"]+)" class="download-(\w+)">', page))
    assert sorted(links.values()) == ["oioubl", "pdf", "peppol"]
    pdf = staff_client.get(next(href for href, name in links.items() if name == "pdf"))
    xml = staff_client.get(next(href for href, name in links.items() if name == "peppol"))
    assert (pdf["Content-Type"], pdf["Content-Disposition"], pdf.content[:5]) == (
        "application/pdf",
        'attachment; filename="0001.pdf"',
        b"%PDF-",
    )
    assert (xml["Content-Disposition"], b"<cbc:ID>0001</cbc:ID>" in xml.content) == (
        'attachment; filename="0001.peppol.xml"',
        True,
    )


def test_a_private_persons_invoice_has_the_pdf_only(staff_client, event, price):
    issued = invoiced(event, price, "Lis Holm", payer=person())

    page = content(staff_client.get(url("admin:invoicing_invoice_change", object_id=issued.pk)))
    xml = staff_client.get(
        url("admin:invoicing_invoice_download", pk=issued.pk, fmt="oioubl"), follow=False
    )

    assert re.findall(r'class="download-(\w+)"', page) == ["pdf"]
    assert xml.status_code == 404


def test_downloads_are_for_staff_only(client, event, price):
    issued = invoiced(event, price, "Anna Jensen")

    response = client.get(url("admin:invoicing_invoice_download", pk=issued.pk, fmt="pdf"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_mark_as_paid_records_what_is_outstanding_today_once(staff_client, event, price):
    issued = invoiced(event, price, "Anna Jensen", "Bo Hansen")
    record_payment(issued, "990.00", paid_on=dt.date(2026, 5, 1), by=None)
    note = billing.credit_invoice(invoiced(event, price, "Carl Nielsen"))

    first = act(staff_client, "mark_paid", issued, note)
    again = act(staff_client, "mark_paid", issued)

    assert shown_messages(first) == [
        "K-0001: K-0001 er en kreditnota; en betaling registreres på en faktura.",
        "1 markeret som betalt.",
    ]
    assert shown_messages(again) == ["0001: Der er intet udestående på faktura 0001."]
    assert list(
        Payment.objects.filter(invoice=issued).values_list("amount", "paid_on", "recorded_by")
    ) == [
        (Decimal("990.00"), dt.date(2026, 5, 1), ""),
        (Decimal("3000.00"), dt.date(2026, 5, 1), "bogholder"),
    ]


def render(message: OutboxMessage):
    """As the worker renders it: in the mail's language."""
    with translation.override(message.language):
        return import_string(message.renderer)(message)


def test_a_payment_reminder_is_mailed_once_with_the_pdf_and_shown_in_the_list(
    staff_client, event, price
):
    issued = invoiced(event, price, "Anna Jensen")
    OutboxMessage.objects.all().delete()  # the invoice's own mail

    with on_june_5(staff_client):
        first = act(staff_client, "send_reminders", issued)
        again = act(staff_client, "send_reminders", issued)
        row = changelist_rows(staff_client.get(url(LIST)))[0]

    assert shown_messages(first) == ["1 rykkere sat i kø til afsendelse."]
    assert shown_messages(again) == [
        "0001: Der er allerede sendt en rykker for faktura 0001 i dag."
    ]
    [message] = OutboxMessage.objects.all()
    email = render(message)
    assert (message.to_email, message.language) == ("bog@example.org", "da")
    assert email.subject == "Rykker: faktura 0001 fra Danmarks Biblioteksforening"
    assert " ".join(email.body.split()) == (
        "Kære Bogbussen ApS"
        " Ifølge vores bogføring står der stadig 1.995,00 kr. udestående på faktura 0001 af"
        " 1. maj 2026, som forfaldt den 31. maj 2026."
        " Betal venligst beløbet snarest muligt, og angiv betalingsreference 0001."
        " Fakturaen er vedhæftet."
        " Har du betalt i mellemtiden, kan du se bort fra denne rykker."
        " Med venlig hilsen Danmarks Biblioteksforening"
    )
    [(name, pdf, kind)] = email.attachments
    assert (name, kind, pdf[:5]) == ("0001.pdf", "application/pdf", b"%PDF-")
    assert list(Reminder.objects.values_list("invoice", "outstanding", "sent_by")) == [
        (issued.pk, Decimal("1995.00"), "bogholder")
    ]
    assert row[0] == "0001" and row[-1] == "5. juni 2026"


def test_a_reminder_in_english_for_an_english_booking(staff_client, event, price):
    booking = register_paid(event, "Anna Jensen", price=price, payer=company(), language="en")
    [issued] = billing.settle(booking)
    OutboxMessage.objects.all().delete()

    with on_june_5(staff_client):
        act(staff_client, "send_reminders", issued)

    [message] = OutboxMessage.objects.all()
    assert message.language == "en"
    assert (
        render(message).subject == "Payment reminder: invoice 0001 from Danish Library Association"
    )


def test_no_reminder_for_a_paid_invoice_or_a_credit_note(staff_client, event, price):
    paid = invoiced(event, price, "Anna Jensen")
    record_payment(paid, "1995.00", paid_on=dt.date(2026, 5, 2), by=None)
    note = billing.credit_invoice(invoiced(event, price, "Bo Hansen"))
    OutboxMessage.objects.all().delete()

    response = act(staff_client, "send_reminders", paid, note)

    assert shown_messages(response) == [
        "0001: Der er intet udestående på faktura 0001: der sendes ingen rykker.",
        "K-0001: K-0001 er en kreditnota; kun en faktura kan få en rykker.",
    ]
    assert (OutboxMessage.objects.count(), Reminder.objects.count()) == (0, 0)


def test_crediting_a_whole_invoice_issues_a_credit_note_and_a_new_invoice_once(
    staff_client, event, price
):
    issued = invoiced(event, price, "Anna Jensen", "Bo Hansen")

    first = act(staff_client, "credit_whole", issued)
    again = act(staff_client, "credit_whole", issued)

    assert shown_messages(first) == [
        "1 krediteret.",
        "Kreditnota K-0001 krediterer faktura 0001.",
        "Faktura 0002 udstedt i stedet for dem, der stadig har en plads.",
    ]
    assert shown_messages(again) == [
        "0001: Det ville kreditere mere, end faktura 0001 har opkrævet."
    ]
    assert list(Invoice.objects.order_by("pk").values_list("number", "gross", "credits")) == [
        ("0001", Decimal("3990.00"), None),
        ("K-0001", Decimal("3990.00"), issued.pk),
        ("0002", Decimal("3990.00"), None),
    ]


def test_an_invoice_without_charges_is_credited_whole_once(staff_client, site):
    issued = issue(document(seat("1", "1995.00")))

    act(staff_client, "credit_whole", issued)
    again = act(staff_client, "credit_whole", issued)

    assert shown_messages(again) == [
        "0001: Det ville kreditere mere, end faktura 0001 har opkrævet."
    ]
    assert list(Invoice.objects.filter(credits=issued).values_list("number", "gross")) == [
        ("K-0001", issued.gross)
    ]


def test_a_bank_file_records_the_payments_it_names(staff_client, event, price):
    first = invoiced(event, price, "Anna Jensen")
    invoiced(event, price, "Bo Hansen")
    upload = SimpleUploadedFile(
        "bank.csv",
        "Dato;Tekst;Beløb\n02-05-2026;Faktura 0001;1.995,00\n03-05-2026;Ukendt;100,00\n".encode(),
    )

    response = staff_client.post(url("admin:invoicing_invoice_import_bank"), {"file": upload})

    page = content(response)
    assert shown_messages(response) == ["Bogført: 1. Allerede importeret: 0. Ikke fundet: 1."]
    matched = cell_text(re.search(r'<table class="bank-matched">(.*?)</table>', page, re.S)[1])
    unmatched = cell_text(re.search(r'<table class="bank-unmatched">(.*?)</table>', page, re.S)[1])
    assert matched.endswith("2 2. maj 2026 Faktura 0001 1.995,00 kr. 0001")
    assert unmatched.endswith(
        "3 3. maj 2026 Ukendt 100,00 kr. Der er intet fakturanummer i teksten."
    )
    assert list(Payment.objects.values_list("invoice", "amount", "source")) == [
        (first.pk, Decimal("1995.00"), "bank")
    ]


def test_a_bank_file_that_cannot_be_read_is_refused_beside_the_upload(staff_client):
    upload = SimpleUploadedFile("bank.csv", b"Foo;Bar\n1;2\n")

    response = staff_client.post(url("admin:invoicing_invoice_import_bank"), {"file": upload})

    assert response.context["form"].errors == {
        "file": ["Filen skal have kolonnerne dato, tekst og beløb, adskilt af semikolon."]
    }


def test_payments_are_listed_and_never_added_or_changed_here(staff_client, event, price):
    issued = invoiced(event, price, "Anna Jensen")
    payment = record_payment(issued, "500.00", paid_on=dt.date(2026, 5, 2), by=None)

    rows = changelist_rows(staff_client.get(url("admin:invoicing_payment_changelist")))
    added = staff_client.post(url("admin:invoicing_payment_add"), {"amount": "1"})
    changed = staff_client.post(
        url("admin:invoicing_payment_change", object_id=payment.pk), {"amount": "1"}
    )

    assert rows == [["Faktura 0001", "500,00 kr.", "2. maj 2026", "Manuel", "-", "-"]]
    assert (added.status_code, changed.status_code) == (403, 403)
    assert Payment.objects.get().amount == Decimal("500.00")


def test_a_ready_e_invoice_is_handed_over_on_request(staff_client, event, price):
    issued = invoiced(event, price, "Anna Jensen", payer=public_payer())  # the XML
    delivery = Delivery.objects.get(invoice=issued)

    response = staff_client.post(
        url("admin:invoicing_delivery_changelist"),
        {"action": "hand_over_now", "_selected_action": [delivery.pk]},
        follow=True,
    )
    again = staff_client.post(
        url("admin:invoicing_delivery_changelist"),
        {"action": "hand_over_now", "_selected_action": [delivery.pk]},
        follow=True,
    )

    delivery.refresh_from_db()
    assert shown_messages(response) == ["1 afleveret."]
    assert shown_messages(again) == ["0001 venter ikke på at blive afleveret: Afleveret."]
    assert (delivery.state, delivery.reference) == ("handed_over", "0001.xml")
    assert deliver_invoice.call(delivery.pk) == "skipped"
