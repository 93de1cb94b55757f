"""Bookings and participants with money: the payer, the member price staff approve, invoices
issued by hand, a price changed by staff, and credit after the binding date when staff decide."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.core.admin_pages import cell_text, change_form_data, changelist_rows, shown_messages
from tests.core.pages import content, url
from tests.factories import (
    EventFactory,
    PriceFactory,
    StaffFactory,
    register_paid,
)
from tilmeld.invoicing import billing
from tilmeld.invoicing.models import Invoice
from tilmeld.invoicing.payments import record_payment
from tilmeld.registrations.models import Payer
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
MAY_1 = dt.datetime(2026, 5, 1, 10, tzinfo=CPH)
BOOKINGS = "admin:registrations_booking_changelist"
PARTICIPANTS = "admin:registrations_participant_changelist"


@pytest.fixture(autouse=True)
def _may_first():
    with time_machine.travel(MAY_1, tick=False):
        yield


@pytest.fixture
def staff(site):
    return StaffFactory(username="bogholder")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def event(site):
    return EventFactory(title_da="Årsmøde", capacity=50)


@pytest.fixture
def price(event):
    return PriceFactory(event=event, amount=Decimal("1995.00"))


@pytest.fixture
def member_price(event):
    return PriceFactory(
        event=event, name_da="Medlem", amount=Decimal("1495.00"), members_only=True, position=1
    )


def documents() -> list[tuple]:
    return list(Invoice.objects.order_by("pk").values_list("number", "gross", "credits__number"))


def act(client, changelist: str, action: str, *objects, **params):
    return client.post(
        url(changelist),
        {"action": action, "_selected_action": [o.pk for o in objects], **params},
        follow=True,
    )


def test_the_booking_list_shows_payer_member_price_and_money(
    staff_client, event, price, member_price
):
    paying = register_paid(event, "Anna Jensen", "Bo Hansen", price=price)
    [invoice] = billing.settle(paying)
    record_payment(invoice, "990.00", paid_on=dt.date(2026, 5, 2), by=None)
    register_paid(event, "Carl Nielsen", price=member_price)  # claimed: no member's domain

    everyone = changelist_rows(staff_client.get(url(BOOKINGS)))
    claimed = changelist_rows(staff_client.get(url(BOOKINGS), {"member_price": "claimed"}))

    public_body = ["Aarhus Kommune, Hovedbiblioteket", "En offentlig myndighed (EAN-nummer)"]
    assert everyone == [
        ["Carl Nielsen <carl.nielsen@example.org>", "Årsmøde", *public_body,
         "Medlemspris valgt, ikke bekræftet", "0,00 kr.", "0,00 kr.", "1. maj 2026, kl. 10.00"],
        ["Anna Jensen <anna.jensen@example.org>", "Årsmøde", *public_body, "–", "3.990,00 kr.",
         "3.000,00 kr.", "1. maj 2026, kl. 10.00"],
    ]  # fmt: skip
    assert [row[0] for row in claimed] == ["Carl Nielsen <carl.nielsen@example.org>"]


@pytest.mark.parametrize("count", [1, 3])
def test_the_booking_list_query_count_does_not_grow(
    staff_client, event, price, django_assert_num_queries, count
):
    for n in range(count):
        [invoice] = billing.settle(register_paid(event, f"Deltager {n}", price=price))
        record_payment(invoice, "100.00", paid_on=dt.date(2026, 5, 2), by=None)

    with django_assert_num_queries(7):
        response = staff_client.get(url(BOOKINGS))

    assert len(changelist_rows(response)) == count


def test_approving_the_member_price_invoices_the_booking(staff_client, event, price, member_price):
    claimed = register_paid(event, "Carl Nielsen", price=member_price)
    other = register_paid(event, "Anna Jensen", price=price)
    assert billing.settle(claimed) == []

    response = act(staff_client, BOOKINGS, "approve_member_price", claimed, other)

    assert shown_messages(response) == [
        "1 af de valgte havde ingen medlemspris, der ventede på godkendelse.",
        "Carl Nielsen: Faktura 0001 udstedt.",
    ]
    assert Payer.objects.get(booking=claimed).membership == "approved"
    assert documents() == [("0001", Decimal("1495.00"), None)]


def test_issuing_now_invoices_a_held_event_and_says_why_when_nothing_is_issued(
    staff_client, staff, event, price
):
    event.invoicing_held = True
    event.save()
    held = register_paid(event, "Anna Jensen", price=price)
    without_payer = register(
        event,
        booker=Booker("Bo Hansen", "bo@example.org"),
        people=[Person("Bo Hansen", "bo@example.org", price_id=price.pk)],
        language="da",
        by=staff,
    )
    assert billing.settle(held) == []

    first = act(staff_client, BOOKINGS, "issue_now", held, without_payer)
    again = act(staff_client, BOOKINGS, "issue_now", held)

    assert shown_messages(first) == [
        "Anna Jensen: Faktura 0001 udstedt.",
        "Bo Hansen: intet udstedt. Bookingen har ingen betaler.",
    ]
    assert shown_messages(again) == ["Anna Jensen: intet udstedt. Der er intet nyt at fakturere."]
    assert documents() == [("0001", Decimal("1995.00"), None)]


def post_payer(client, booking, **changes):
    change = url("admin:registrations_booking_change", object_id=booking.pk)
    data = change_form_data(client.get(change))
    data |= {f"payer-0-{name}": value for name, value in changes.items()}
    return client.post(change, {**data, "_save": "Gem"})


def test_the_payer_is_checked_as_the_booking_form_checks_it_beside_each_field(
    staff_client, event, price
):
    booking = register_paid(event, "Anna Jensen", price=price)

    response = post_payer(staff_client, booking, gln="5798009811579", order_reference="")

    assert response.status_code == 200
    [payer_form] = response.context["inline_admin_formsets"][0].formset.forms
    assert payer_form.errors == {
        "gln": ["EAN-nummerets sidste ciffer passer ikke med de andre. Tjek venligst nummeret."],
    }
    page = content(response)
    gln_row = re.search(r'<div class="form-row[^"]*field-gln.*?</div>\s*</div>', page, re.S)
    assert "EAN-nummerets sidste ciffer" in cell_text(gln_row.group(0))
    assert Payer.objects.get(booking=booking).gln == "5798009811578"


def test_a_public_body_needs_a_reference_and_numbers_are_stored_cleaned(staff_client, event, price):
    booking = register_paid(event, "Anna Jensen", price=price)

    refused = post_payer(staff_client, booking, order_reference="", person_reference="")
    saved = post_payer(
        staff_client, booking, gln="5798 0098 11578", name="Aarhus Kommune\nBørn og Unge"
    )

    [payer_form] = refused.context["inline_admin_formsets"][0].formset.forms
    assert payer_form.errors == {
        "order_reference": [
            "En offentlig myndighed skal have et ordrenummer eller en personreference på fakturaen."
        ]
    }
    assert saved.status_code == 302, saved.context["inline_admin_formsets"][0].formset.errors
    payer = Payer.objects.get(booking=booking)
    assert (payer.gln, payer.name) == ("5798009811578", "Aarhus Kommune Børn og Unge")


@pytest.mark.parametrize("count", [1, 3])
def test_the_participant_list_shows_what_each_pays_in_constant_queries(
    staff_client, event, price, django_assert_num_queries, count
):
    register_paid(event, *[f"Deltager {n}" for n in range(count)], price=price)

    with django_assert_num_queries(8):  # 1 of them: the audit log's entry of the list opened
        rows = changelist_rows(staff_client.get(url(PARTICIPANTS)))

    assert [row[4] for row in rows] == ["Ikke-medlem: 1.995,00 kr."] * count


def test_staff_change_a_price_and_the_invoice_is_credited_and_issued_anew(
    staff_client, event, price, member_price
):
    booking = register_paid(event, "Anna Jensen", "Bo Hansen", price=price)
    billing.settle(booking)
    anna = booking.participants.get(name="Anna Jensen")
    page = url("admin:registrations_participant_price", pk=anna.pk)

    refused = staff_client.post(page, {"price": member_price.pk, "amount": "-1"})
    changed = staff_client.post(page, {"price": member_price.pk, "amount": ""}, follow=True)

    assert refused.context["form"].errors == {
        "amount": ["En pris skal være mellem 0 og 1.000.000,00 kr."]
    }
    assert shown_messages(changed) == [
        "Prisen er ændret.",
        "Udstedt: Kreditnota K-0001, Faktura 0002.",
    ]
    anna.refresh_from_db()
    assert (anna.price, anna.price_amount) == (member_price, Decimal("1495.00"))
    assert documents() == [
        ("0001", Decimal("3990.00"), None),
        ("K-0001", Decimal("1995.00"), "0001"),  # Anna's line
        ("0002", Decimal("1495.00"), None),
    ]


def test_the_change_price_page_is_linked_from_the_participant(staff_client, event, price):
    booking = register_paid(event, "Anna Jensen", price=price)
    anna = booking.participants.get()

    change = url("admin:registrations_participant_change", object_id=anna.pk)

    page = content(staff_client.get(change))

    price_page = url("admin:registrations_participant_price", pk=anna.pk)
    assert f'<a href="{price_page}">Ret pris</a>' in page


def test_a_cancellation_after_the_binding_date_is_credited_only_when_staff_confirm(
    staff_client, staff, event, price
):
    event.binding_at = timezone.now() + dt.timedelta(days=1)
    event.save()
    booking = register_paid(event, "Anna Jensen", "Bo Hansen", price=price)
    [invoice] = billing.settle(booking)
    anna, bo = booking.participants.order_by("name")

    with time_machine.travel(MAY_1 + dt.timedelta(days=2), tick=False):
        cancel_registration(anna, by=staff)
        assert billing.settle(booking) == []  # after the binding date: nothing by itself
        asked = act(staff_client, PARTICIPANTS, "credit_selected", anna, bo)
        assert documents() == [("0001", Decimal("3990.00"), None)]
        done = act(staff_client, PARTICIPANTS, "credit_selected", anna, bo, post="yes")
        again = act(staff_client, PARTICIPANTS, "credit_selected", anna, post="yes")

    question = content(asked)
    main = cell_text(question[question.index('<div id="content-main">') :].split("</form>")[0])
    assert main == (
        "Der udstedes en kreditnota for denne afmeldte deltager:"
        " Navn Arrangement Faktura Krediteres inkl. moms Anna Jensen Årsmøde 0001 1.995,00 kr."
        " Betaleren får kreditnotaen, som fakturaen blev sendt: på mail eller som e-faktura."
        " En af de valgte er ikke afmeldt eller har intet faktureret, der ikke er krediteret,"
        " og forbliver som den er. Nej, gå tilbage"
    )
    assert re.findall(r'name="_selected_action" value="(\d+)"', question) == [str(anna.pk)]
    assert shown_messages(done) == [
        "Udstedt: Kreditnota K-0001.",
        "1 af de valgte havde intet at kreditere.",
    ]
    assert shown_messages(again) == ["1 af de valgte havde intet at kreditere."]
    assert documents() == [
        ("0001", Decimal("3990.00"), None),
        ("K-0001", Decimal("1995.00"), "0001"),
    ]
    assert invoice.as_document().lines[0].note.startswith("Anna Jensen")
