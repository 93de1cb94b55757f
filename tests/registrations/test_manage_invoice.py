"""What a booking costs, who pays and its invoices, on the booking page and each participant's
page; the invoice PDF behind the secret links, to the booker only."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from tests.core.pages import local, squeeze, url
from tests.factories import EventFactory, MemberOrganisationFactory, OptionFactory, PriceFactory
from tests.factories import public_payer as payer
from tilmeld.invoicing import billing
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration

pytestmark = pytest.mark.django_db

TODAY = local(2026, 3, 2, 10)


@pytest.fixture(autouse=True)
def _fixed_clock():
    """The invoices' dates are today's."""
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def event(site, database_tasks):
    """Nothing is invoiced until a test settles the booking (the task waits in the database)."""
    return EventFactory(title_da="Bibliotekernes årsmøde", capacity=20, max_booking_size=5)


@pytest.fixture
def price(event):
    return PriceFactory(event=event, name_da="Medlem", name_en="Member", amount=Decimal("1995"))


@pytest.fixture
def dinner(event):
    return OptionFactory(event=event)


def book(event, *names, price, options=(), booker=None, **payer_changes):
    """`names` registered by `booker` (the first of them by default), paid by a public body."""
    people = [
        Person(
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            price_id=price.pk,
            options=[o.pk for o in options],
        )
        for name in names
    ]
    booker = booker or Booker(people[0].name, people[0].email)
    return register(
        event, booker=booker, people=people, language="da", payer=payer(**payer_changes)
    )


def section(page: str, heading_id: str) -> str:
    found = re.search(
        rf'<section aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', page, re.DOTALL
    )
    return squeeze(found.group(1)) if found else ""


def price_cells(page: str) -> list[str]:
    cells = re.findall(r'<td role="cell" class="price"[^>]*>(.*?)</td>', page, re.DOTALL)
    return [squeeze(cell.replace("<br>", " | ")) for cell in cells]


def pdf_links(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+\.pdf)" download>', page)


PAYER_TEXT = (
    "Hvem betaler? Betaler En offentlig myndighed (EAN-nummer)"
    " Navn på fakturaen Aarhus Kommune, Hovedbiblioteket EAN-nummer 5798009811578"
    " Ordrenummer PO-4711 Personreference Hans Hansen"
    " Adresse Hack Kampmanns Plads 2, 8000 Aarhus C E-mail til fakturaen faktura@example.org"
)


def test_the_booking_page_shows_prices_payer_invoice_and_credit_note(client, event, price, dinner):
    booking = book(event, "Anne Hansen", "Bo Berg", price=price, options=[dinner])
    [invoice] = billing.settle(booking)
    cancel_registration(booking.participants.get(name="Bo Berg"))
    [note] = billing.settle(booking)

    page = client.get(booking.get_manage_url()).content.decode()

    assert price_cells(page) == [
        "Medlem: 1.995,00 kr. | Festmiddag: 350,00 kr.",
        "Medlem: 1.995,00 kr. | Festmiddag: 350,00 kr.",
    ]
    assert section(page, "payer-heading") == PAYER_TEXT
    assert section(page, "invoice-heading") == (
        "Faktura I alt for bookingen: 2.345,00 kr. inkl. moms"
        f" Faktura {invoice.number} (PDF) · 2. marts 2026 · 4.690,00 kr."
        f" Kreditnota {note.number} (PDF) · 2. marts 2026 · 2.345,00 kr."
        f" · krediterer faktura {invoice.number}"
    )
    token = booking.manage_token
    assert pdf_links(page) == [
        url("invoicing:booking_pdf", token=token, pk=invoice.pk),
        url("invoicing:booking_pdf", token=token, pk=note.pk),
    ]
    assert pdf_links(page)[0] == f"/booking/{token}/faktura/{invoice.pk}.pdf"


def test_the_booking_page_in_english(client, event, price):
    booking = book(event, "Anne Hansen", "Bo Berg", price=price)
    [invoice] = billing.settle(booking)

    page = client.get(url("registrations:booking", "en", token=booking.manage_token))

    text = page.content.decode()
    assert price_cells(text) == ["Member: DKK 1,995.00", "Member: DKK 1,995.00"]
    assert section(text, "invoice-heading") == (
        "Invoice Total for the booking: DKK 3,990.00 incl. VAT"
        f" Invoice {invoice.number} (PDF) · 2 March 2026 · DKK 3,990.00"
    )
    assert pdf_links(text) == [f"/en/booking/{booking.manage_token}/invoice/{invoice.pk}.pdf"]


def test_the_bookers_own_page_shows_price_payer_and_invoice(client, event, price, dinner):
    booking = book(event, "Anne Hansen", price=price, options=[dinner])
    [invoice] = billing.settle(booking)
    anne = booking.participants.get()

    page = client.get(anne.get_manage_url()).content.decode()

    assert section(page, "price-heading") == (
        "Din pris Medlem: 1.995,00 kr. Festmiddag: 350,00 kr. Priserne er inkl. moms."
    )
    assert section(page, "payer-heading") == PAYER_TEXT
    assert section(page, "invoice-heading") == (
        "Faktura I alt for bookingen: 2.345,00 kr. inkl. moms"
        f" Faktura {invoice.number} (PDF) · 2. marts 2026 · 2.345,00 kr."
    )
    assert pdf_links(page) == [f"/tilmelding/{anne.manage_token}/faktura/{invoice.pk}.pdf"]


def test_a_colleagues_page_shows_price_and_payer_but_no_invoice(client, event, price):
    chef = Booker("Chef Jensen", "chef@example.org")
    booking = book(event, "Anne Hansen", price=price, booker=chef)
    [invoice] = billing.settle(booking)
    anne = booking.participants.get()

    page = client.get(anne.get_manage_url()).content.decode()
    pdf = client.get(url("invoicing:participant_pdf", token=anne.manage_token, pk=invoice.pk))

    assert section(page, "price-heading") == "Din pris Medlem: 1.995,00 kr. Priserne er inkl. moms."
    assert section(page, "payer-heading") == PAYER_TEXT
    assert section(page, "invoice-heading") == ""
    assert pdf.status_code == 404


def test_a_free_event_shows_no_price_payer_or_invoice(client, site):
    event = EventFactory()
    booking = register(
        event,
        booker=Booker("Anne Hansen", "anne@example.org"),
        people=[Person("Anne Hansen", "anne@example.org"), Person("Bo Berg", "bo@example.org")],
        language="da",
    )

    page = client.get(booking.get_manage_url()).content.decode()
    own = client.get(booking.participants.first().get_manage_url()).content.decode()

    assert ("Pris" in page, "Hvem betaler?" in page, "Faktura" in page) == (False, False, False)
    assert ("Din pris" in own, "Hvem betaler?" in own, "Faktura" in own) == (False, False, False)


def test_the_invoice_pdf_is_downloaded_by_the_booking_link(client, event, price):
    booking = book(event, "Anne Hansen", price=price)
    [invoice] = billing.settle(booking)

    response = client.get(url("invoicing:booking_pdf", token=booking.manage_token, pk=invoice.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response.content.startswith(b"%PDF")


def test_the_invoice_pdf_is_downloaded_by_the_bookers_own_link_in_english(client, event, price):
    booking = book(event, "Anne Hansen", price=price)
    [invoice] = billing.settle(booking)
    anne = booking.participants.get()

    response = client.get(
        url("invoicing:participant_pdf", "en", token=anne.manage_token, pk=invoice.pk)
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_an_invoice_of_another_booking_is_not_found(client, event, price):
    mine = book(event, "Anne Hansen", price=price)
    theirs = book(event, "Bo Berg", price=price)
    billing.settle(mine)
    [their_invoice] = billing.settle(theirs)
    anne = mine.participants.get()

    by_booking = client.get(
        url("invoicing:booking_pdf", token=mine.manage_token, pk=their_invoice.pk)
    )
    by_participant = client.get(
        url("invoicing:participant_pdf", token=anne.manage_token, pk=their_invoice.pk)
    )
    forged = client.get(f"/booking/{'x' * 32}/faktura/{their_invoice.pk}.pdf")

    assert (by_booking.status_code, by_participant.status_code, forged.status_code) == (
        404,
        404,
        404,
    )


def invoice_note(page: str) -> str:
    return squeeze(re.search(r'<p class="notice">(.*?)</p>', section_html(page)).group(1))


def section_html(page: str) -> str:
    found = re.search(
        r'<section aria-labelledby="invoice-heading"[^>]*>(.*?)</section>', page, re.DOTALL
    )
    return found.group(1)


def test_until_the_invoice_is_issued_the_page_says_it_follows(client, event, price):
    booking = book(event, "Anne Hansen", price=price)

    page = client.get(booking.get_manage_url()).content.decode()

    assert section(page, "invoice-heading") == (
        "Faktura I alt for bookingen: 1.995,00 kr. inkl. moms"
        " Fakturaen er ved at blive udstedt og følger om lidt."
    )
    assert pdf_links(page) == []


def test_on_the_waiting_list_the_invoice_waits_for_the_seat(client, site, database_tasks):
    event = EventFactory(capacity=1, waiting_list_enabled=True)
    price = PriceFactory(event=event)
    book(event, "Anne Hansen", price=price)
    booking = book(event, "Bo Berg", price=price)

    page = client.get(booking.get_manage_url()).content.decode()

    assert booking.participants.get().status == "waiting"
    assert invoice_note(page) == "Fakturaen udstedes, når pladsen er bekræftet."


def test_a_claimed_member_price_waits_for_the_organisers(client, event):
    price = PriceFactory(event=event, name_da="Medlem", members_only=True)
    booking = book(event, "Anne Hansen", price=price)
    billing.settle(booking)

    page = client.get(booking.get_manage_url()).content.decode()

    assert booking.payer.membership == "claimed"
    assert invoice_note(page) == ("Fakturaen udstedes, når arrangørerne har tjekket medlemsprisen.")


def test_held_invoicing_is_said_on_the_page(client, site, database_tasks):
    event = EventFactory(invoicing_held=True)
    price = PriceFactory(event=event)
    booking = book(event, "Anne Hansen", price=price)
    billing.settle(booking)

    page = client.get(booking.get_manage_url()).content.decode()

    assert invoice_note(page) == "Arrangørerne udsteder fakturaen senere."


def test_a_verified_member_is_named_with_the_payer(client, event):
    price = PriceFactory(event=event, name_da="Medlem", members_only=True)
    aarhus = MemberOrganisationFactory(name="Aarhus Kommune")
    booking = book(event, "Anne Hansen", price=price, member_organisation_id=aarhus.pk)

    page = client.get(booking.get_manage_url()).content.decode()

    assert section(page, "payer-heading").endswith("Medlemsorganisation Aarhus Kommune")


HOSTILE = "<script>alert('æøå & co')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;æøå &amp; co&#x27;)&lt;/script&gt;"


def test_hostile_text_is_escaped_on_the_booking_and_manage_pages(client, event, dinner):
    price = PriceFactory(event=event, name_da=HOSTILE, amount=Decimal("100"))
    long_name = "Æ" * 300
    booking = book(
        event,
        "Anne <b>Hansen</b>",
        price=price,
        options=[dinner],
        name=long_name,
        person_reference=HOSTILE[:50],
        city=HOSTILE,
    )
    billing.settle(booking)
    anne = booking.participants.get()

    pages = [
        client.get(booking.get_manage_url()).content.decode(),
        client.get(anne.get_manage_url()).content.decode(),
    ]

    for page in pages:
        assert "<script>alert(" not in page
        assert "<b>Hansen</b>" not in page
        assert f"{ESCAPED}: 100,00 kr." in page
        assert f"8000 {ESCAPED}</dd>" in page
        assert f"<dd>{long_name}</dd>" in page


@pytest.mark.parametrize("count", [1, 3])
def test_booking_page_query_count_does_not_grow(
    client, event, price, dinner, django_assert_num_queries, count
):
    names = [f"Deltager{n} Hansen" for n in range(count)]
    booking = book(event, *names, price=price, options=[dinner])
    billing.settle(booking)
    client.get(url("events:list"))  # site settings and footer links are cached from now on

    # booking with event, venue and payer; questions, sessions, prices, options, members (the
    # colleague form); participants with prices, their options; seat count; invoices; the
    # confirmed participants, their options and the options (the total)
    with django_assert_num_queries(13):
        page = client.get(booking.get_manage_url()).content.decode()

    assert len(price_cells(page)) == count


@pytest.mark.parametrize("count", [1, 3])
def test_manage_page_query_count_does_not_grow(
    client, event, price, dinner, django_assert_num_queries, count
):
    names = [f"Deltager{n} Hansen" for n in range(count)]
    booking = book(event, *names, price=price, options=[dinner])
    billing.settle(booking)
    first = booking.participants.order_by("id").first()
    client.get(url("events:list"))

    # participant with event, venue, price, booking and payer; sessions, prices, options,
    # questions, members; answers; chosen sessions; the participant again after any change; its
    # options; chosen sessions; invoices; the confirmed participants, their options and the
    # options (the total)
    with django_assert_num_queries(15):
        page = client.get(first.get_manage_url()).content.decode()

    assert section(page, "invoice-heading").startswith("Faktura I alt for bookingen:")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection, as in production
def test_the_mails_tell_the_price_and_who_pays(event, price, dinner, run_worker):
    chef = Booker("Chef Jensen", "chef@example.org")
    book(event, "Anne Hansen", "Bo Berg", price=price, options=[dinner], booker=chef)
    mail.outbox.clear()

    run_worker()

    by_to = {m.to[0]: m for m in mail.outbox}
    anne, summary = by_to["Anne Hansen <anne@example.org>"], by_to["Chef Jensen <chef@example.org>"]
    price_line = (
        "Din pris: Medlem 1.995,00 kr. + Festmiddag 350,00 kr. (inkl. moms)."
        " Fakturaen sendes til Aarhus Kommune, Hovedbiblioteket."
    )
    assert price_line in anne.body
    assert f"<p>{price_line}</p>" in anne.alternatives[0][0]
    assert (
        "- Anne Hansen <anne@example.org>: Bekræftet,"
        " Medlem 1.995,00 kr. + Festmiddag 350,00 kr. (inkl. moms)"
    ) in summary.body
    assert "Fakturaen sendes til Aarhus Kommune, Hovedbiblioteket." in summary.body
    assert (
        "<li>Bo Berg &lt;bo@example.org&gt;: Bekræftet,"
        " Medlem 1.995,00 kr. + Festmiddag 350,00 kr. (inkl. moms)</li>"
    ) in summary.alternatives[0][0]
    assert (
        "<p>Fakturaen sendes til Aarhus Kommune, Hovedbiblioteket.</p>"
        in (summary.alternatives[0][0])
    )
