"""The event dashboard's invoicing figures: invoiced less credit notes, paid, outstanding and
overdue, summed in the database."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.core.pages import squeeze
from tests.factories import EventFactory, PriceFactory, StaffFactory, register_paid
from tilmeld.invoicing import billing
from tilmeld.invoicing.payments import record_payment
from tilmeld.invoicing.selectors import EventMoney, money_per_event

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
MAY_1 = dt.datetime(2026, 5, 1, 10, tzinfo=CPH)  # invoices are due on 31 May
JUNE_5 = dt.date(2026, 6, 5)


@pytest.fixture(autouse=True)
def _may_first():
    with time_machine.travel(MAY_1, tick=False):
        yield


def priced_event(**kwargs):
    event = EventFactory(capacity=50, **kwargs)
    return event, PriceFactory(event=event, amount=Decimal("1995.00"))


def invoiced(event, price, *names):
    [invoice] = billing.settle(register_paid(event, *names, price=price))
    return invoice


@pytest.fixture
def two_events(site):
    """Årsmøde: 3.990 kr. of which 1.000 paid, and 1.995 kr. credited in full.
    Temadag: 1.995 kr., nothing paid."""
    annual, price = priced_event(title_da="Årsmøde")
    first = invoiced(annual, price, "Anna Jensen", "Bo Hansen")
    record_payment(first, "1000.00", paid_on=dt.date(2026, 5, 2), by=None)
    billing.credit_invoice(invoiced(annual, price, "Carl Nielsen"))
    theme, price = priced_event(title_da="Temadag")
    invoiced(theme, price, "Dorte Holm")
    return annual, theme


def test_money_per_event_sums_invoices_less_credit_notes_payments_and_overdue(two_events):
    annual, theme = two_events

    money = money_per_event([annual.pk, theme.pk], JUNE_5)

    assert money == {
        annual.pk: EventMoney(Decimal("3990.00"), Decimal("1000.00"), Decimal("2990.00"), 1),
        theme.pk: EventMoney(Decimal("1995.00"), Decimal("0.00"), Decimal("1995.00"), 1),
    }
    assert money_per_event([annual.pk], dt.date(2026, 5, 31))[annual.pk].overdue == 0


@pytest.mark.parametrize("count", [1, 3])
def test_money_per_event_takes_three_queries_however_many_events(
    site, django_assert_num_queries, count
):
    events = []
    for n in range(count):
        event, price = priced_event()
        invoiced(event, price, f"Deltager {n}")
        events.append(event.pk)

    with django_assert_num_queries(3):
        money = money_per_event(events, JUNE_5)

    assert len(money) == count


def dashboard_money(client, event) -> str:
    html = client.get(reverse("staff:dashboard", kwargs={"event_id": event.pk})).content.decode()
    match = re.search(r'<section class="dash-money">(.*?)</section>', html, re.DOTALL)
    return squeeze(match.group(1).replace("><", "> <")) if match else ""


def test_the_dashboard_shows_what_the_event_invoiced_paid_and_is_owed(client, two_events):
    annual, _theme = two_events

    with time_machine.travel(dt.datetime(2026, 6, 5, 10, tzinfo=CPH), tick=False):
        client.force_login(StaffFactory(username="bogholder"))
        shown = dashboard_money(client, annual)
        html = client.get(reverse("staff:dashboard", kwargs={"event_id": annual.pk}))

    assert shown == (
        "Fakturering 3.990,00 kr. faktureret, fratrukket kreditnotaer 1.000,00 kr. betalt"
        " 2.990,00 kr. udestående 1 faktura forfalden 0 medlemspriser til godkendelse"
        " Arrangementets fakturaer Forfaldne fakturaer Bookinger og betalere"
    )
    invoices = reverse("admin:invoicing_invoice_changelist")
    assert (
        f'<a href="{invoices}?booking__event__id__exact={annual.pk}&amp;overdue=yes">'
        in html.content.decode()
    )


def test_an_event_without_prices_shows_no_invoicing(client, site):
    client.force_login(StaffFactory())
    free = EventFactory()

    assert dashboard_money(client, free) == ""


@pytest.mark.parametrize("count", [1, 3])
def test_the_dashboard_query_count_does_not_grow_with_invoices(
    client, site, django_assert_num_queries, count
):
    client.force_login(StaffFactory())
    event, price = priced_event()
    for n in range(count):
        invoiced(event, price, f"Deltager {n}")
    page = reverse("staff:dashboard", kwargs={"event_id": event.pk})

    with django_assert_num_queries(19):  # no questions: no answers to count
        client.get(page)
