"""GET /api/v1/invoices, one invoice, its documents; POST …/payments."""

import datetime as dt
from dataclasses import replace

import pytest
import time_machine

from tests.api.conftest import problem
from tests.invoicing.test_documents import invoice, seat
from tilmeld.invoicing.documents.data import Kind, Party
from tilmeld.invoicing.models import Payment
from tilmeld.invoicing.payments import record_payment
from tilmeld.invoicing.services import credit, issue

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 5, 20, 8, 0, tzinfo=dt.UTC)
PERSON = Party(name="Anna Jensen", street="Vej 1", postcode="8000", city="Aarhus C")


@pytest.fixture
def issued(site):
    """Two invoices (2.493,75 kr. each, the second to a private person) and a credit note of
    the first's 1.246,88 kr.; 1.000 kr. paid on the first."""
    with time_machine.travel(NOW, tick=False):
        first = issue(invoice(seat("1", "1995.00")))
        second = issue(invoice(seat("1", "1995.00"), buyer=PERSON))
        note = credit(first, invoice(seat("1", "997.50"), kind=Kind.CREDIT_NOTE))
        record_payment(first, "1000.00", paid_on=dt.date(2027, 5, 20), by=None)
    return first, second, note


def test_invoices_are_listed_as_the_contract_says(api, auth, issued):
    first, second, note = issued

    answer = api.get("/invoices", auth())

    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [i["number"] for i in items] == [first.number, second.number, note.number]
    assert items[0] == {
        "number": first.number,
        "kind": "invoice",
        "issue_date": first.issue_date.isoformat(),
        "due_date": first.due_date.isoformat(),
        "event": None,
        "booking_id": None,
        "credits": None,
        "buyer": {
            "name": "Aarhus Kommune, Hovedbiblioteket",
            "gln": "5798009811578",
            "cvr": "",
            "order_reference": first.as_document().order_reference,
            "person_reference": "4711",
        },
        "currency": "DKK",
        "net": "1995.00",
        "vat": "498.75",
        "gross": "2493.75",
        "credited": "1246.88",
        "paid": "1000.00",
        "outstanding": "246.87",
        "e_invoice": True,
        "issued_at": "2027-05-20T08:00:00Z",
    }
    assert (items[2]["kind"], items[2]["credits"], items[2]["outstanding"]) == (
        "credit_note",
        first.number,
        "0.00",
    )
    assert items[1]["e_invoice"] is False


def test_invoices_are_filtered_and_paged(api, auth, issued):
    first, second, note = issued
    headers = auth()

    def numbers(**filters):
        answer = api.get("/invoices", headers, **filters)
        assert answer.status_code == 200, answer.json()
        return [i["number"] for i in answer.json()["items"]]

    assert numbers(kind="credit_note") == [note.number]
    assert numbers(paid="false") == [first.number, second.number]
    assert numbers(paid="true") == []
    assert numbers(since="2027-05-21T00:00:00Z") == []
    page = api.get("/invoices", headers, limit=2).json()
    assert (
        api.get("/invoices", headers, limit=2, cursor=page["next_cursor"]).json()["items"][0][
            "number"
        ]
        == note.number
    )


@pytest.mark.parametrize("count", [1, 30])
def test_invoice_list_queries_do_not_grow_with_rows(
    api, auth, site, django_assert_num_queries, count
):
    for _ in range(count):
        issue(invoice(seat("1", "100.00")))
    headers = auth()
    api.get("/invoices", headers)

    with django_assert_num_queries(2):  # token, invoices with their balances
        answer = api.get("/invoices", headers, limit=200)

    assert len(answer.json()["items"]) == count


def test_one_invoice_and_its_documents(api, auth, issued):
    first, _second, _note = issued
    headers = auth()

    detail = api.get(f"/invoices/{first.number}", headers)
    pdf = api.get(f"/invoices/{first.number}.pdf", headers)
    oioubl = api.get(f"/invoices/{first.number}.oioubl.xml", headers)
    peppol = api.get(f"/invoices/{first.number}.peppol.xml", headers)

    assert detail.json()["number"] == first.number
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )
    assert pdf["Content-Disposition"] == f'inline; filename="{first.number}.pdf"'
    assert (oioubl["Content-Type"], b"OIOUBL" in oioubl.content) == ("application/xml", True)
    assert (peppol["Content-Type"], b"peppol" in peppol.content) == ("application/xml", True)


def test_no_e_invoice_for_a_private_person(api, auth, issued):
    _first, second, _note = issued

    answer = api.get(f"/invoices/{second.number}.peppol.xml", auth())

    assert answer.json() == problem(
        404,
        "no_e_invoice",
        "The buyer has no EAN or CVR number, so there is no e-invoice, only the PDF.",
        "Not found",
    )


def test_an_unknown_invoice_is_404(api, auth, db):
    assert api.get("/invoices/NOPE-1", auth()).status_code == 404
    assert api.get("/invoices/NOPE-1.pdf", auth()).status_code == 404


def test_a_payment_is_recorded(api, auth, issued, staff):
    _first, second, _note = issued

    answer = api.post(
        f"/invoices/{second.number}/payments",
        {"amount": "2493.75", "paid_on": "2027-05-21", "reference": "Giro 4711"},
        auth(),
    )

    payment = Payment.objects.get(invoice=second)
    assert answer.status_code == 201
    assert answer.json() == {
        "id": payment.pk,
        "invoice": second.number,
        "amount": "2493.75",
        "paid_on": "2027-05-21",
        "reference": "Giro 4711",
        "source": "manual",
        "created_at": answer.json()["created_at"],
    }
    assert payment.recorded_by == staff.username
    assert api.get(f"/invoices/{second.number}", auth()).json()["outstanding"] == "0.00"


def test_a_payment_over_what_is_outstanding_is_409(api, auth, issued):
    first, _second, note = issued
    headers = auth()

    too_much = api.post(
        f"/invoices/{first.number}/payments", {"amount": "300.00", "paid_on": "2027-05-21"}, headers
    )
    on_note = api.post(
        f"/invoices/{note.number}/payments", {"amount": "1.00", "paid_on": "2027-05-21"}, headers
    )
    zero = api.post(
        f"/invoices/{first.number}/payments", {"amount": "0", "paid_on": "2027-05-21"}, headers
    )
    decimals = api.post(
        f"/invoices/{first.number}/payments", {"amount": "1.001", "paid_on": "2027-05-21"}, headers
    )

    assert (too_much.status_code, too_much.json()["code"]) == (409, "too_much")
    assert (on_note.status_code, on_note.json()["code"]) == (409, "kind")
    assert [zero.status_code, decimals.status_code] == [422, 422]
    assert Payment.objects.count() == 1


def test_payments_need_invoices_write(api, auth, issued):
    first, _second, _note = issued

    answer = api.post(
        f"/invoices/{first.number}/payments",
        {"amount": "1.00", "paid_on": "2027-05-21"},
        auth("invoices:read"),
    )

    assert (answer.status_code, answer.json()["code"]) == (403, "scope")


def test_buyer_without_gln_still_lists(api, auth, site):
    issue(invoice(seat("1", "10.00"), buyer=replace(PERSON, name="Bo")))

    assert api.get("/invoices", auth()).json()["items"][0]["buyer"]["name"] == "Bo"
