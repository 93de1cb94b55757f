"""Anonymisation of a past event when its retention period is over: every personal field gone
from the stored rows, the numbers and invoices kept."""

import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, transaction

from tests.privacy.conftest import local
from tilmeld.events.models import Event
from tilmeld.invoicing.models import Invoice
from tilmeld.mail.models import OutboxMessage
from tilmeld.privacy import retention
from tilmeld.registrations.models import (
    Answer,
    Booking,
    CheckIn,
    Participant,
    ParticipantChange,
    Payer,
)
from tilmeld.registrations.services import checkin
from tilmeld.staff import stats
from tilmeld.webhooks.models import Delivery

pytestmark = pytest.mark.django_db

LAST_DAY_KEPT = local(2025, 3, 10, 15, 59)  # 12 months after the end, 16.00
ANONYMISED = local(2025, 3, 10, 16, 0)


def numbers(event):
    return (
        stats.cancellations(event),
        checkin.arrivals(event),
        list(
            CheckIn.objects.filter(participant__event=event).values_list("checked_in_at", flat=True)
        ),
    )


def test_the_event_is_anonymised_when_its_retention_period_is_over(conference):
    event = conference["event"]
    Participant.objects.filter(pk=conference["anne"].pk).update(in_participant_list=True)
    before = numbers(event)
    invoices = list(Invoice.objects.values_list("number", "buyer_name", "document", "gross"))
    assert Delivery.objects.count() == 6  # two bookings, three seats, an invoice

    with time_machine.travel(LAST_DAY_KEPT, tick=False):
        assert retention.sweep()["events"] == 0
    assert Participant.objects.filter(name="Anne Jensen").exists()

    with time_machine.travel(ANONYMISED, tick=False):
        done = retention.sweep()

    assert done == {"events": 1, "participants": 4, "bookings": 2, "mails": 7, "invoices": 0}
    event.refresh_from_db()
    assert event.anonymised_at == ANONYMISED
    rows = Participant.objects.order_by("pk")
    assert list(rows.values_list("name", "email", "phone", "job_title", "organisation")) == [
        ("Anonymiseret", f"participant-{p.pk}@anonymised.invalid", "", "", organisation)
        for p, organisation in zip(
            rows,
            ["Vejle Bibliotekerne", "Vejle Bibliotekerne", "Odense Bibliotekerne",
             "Vejle Bibliotekerne"],
            strict=True,
        )
    ]  # fmt: skip
    assert list(rows.values_list("status", flat=True)) == [
        "confirmed", "substituted", "cancelled", "confirmed"
    ]  # fmt: skip
    assert conference["anne"].manage_token not in set(rows.values_list("manage_token", flat=True))
    assert not rows.filter(in_participant_list=True).exists()  # the list shows no one
    assert list(Booking.objects.values_list("booker_name", "booker_email", "booker_phone")) == [
        ("Anonymiseret", f"booking-{b.pk}@anonymised.invalid", "") for b in Booking.objects.all()
    ]
    assert list(Booking.objects.order_by("pk").values_list("booker_organisation", flat=True)) == [
        "Vejle Bibliotekerne",
        "",
    ]
    # The public body stays (an institution); its person reference and e-mail go.
    assert list(
        Payer.objects.values_list(
            "kind", "name", "gln", "order_reference", "person_reference", "email"
        )
    ) == [("public", "Aarhus Kommune, Hovedbiblioteket", "5798009811578", "PO-4711", "", "")]
    # Free text and diet/health answers deleted; the dinner question's answers kept (Dea took
    # Bo's over with the seat).
    assert sorted(Answer.objects.values_list("participant__pk", "question__text_da", "value")) == [
        (conference["anne"].pk, "Middag", True),
        (conference["bo"].pk, "Middag", False),
        (conference["dea"].pk, "Middag", False),
    ]
    history = list(
        ParticipantChange.objects.order_by("pk").values_list("action", "changes", "note")
    )
    assert ("substituted", {"to": [None, None]}, "") in history
    assert ("substitute", {"from": [None, None]}, "") in history
    assert ("cancelled", {"status": ["confirmed", "cancelled"]}, "") in history
    assert not any(
        "Hansen" in str(row) or "Holm" in str(row) or "Syg" in str(row) for row in history
    )
    mails = OutboxMessage.objects.all()
    assert {(m.to_email, m.to_name, m.last_error) for m in mails} == {
        ("anonymised@anonymised.invalid", "", "")
    }
    assert Delivery.objects.count() == 0
    # What the dashboard counts did not change; the invoice is a bookkeeping record, untouched.
    assert numbers(event) == before
    assert (
        list(Invoice.objects.values_list("number", "buyer_name", "document", "gross")) == invoices
    )
    assert Invoice.objects.get().anonymised_at is None


def test_a_second_run_finds_nothing_to_do(conference):
    with time_machine.travel(ANONYMISED, tick=False):
        retention.sweep()
        first = list(Participant.objects.values_list("pk", "name", "email", "status"))

        assert retention.sweep() == {
            "events": 0, "participants": 0, "bookings": 0, "mails": 0, "invoices": 0
        }  # fmt: skip
        assert retention.anonymise_event(conference["event"]) is None

    assert list(Participant.objects.values_list("pk", "name", "email", "status")) == first


def test_an_event_may_keep_its_participants_longer(conference):
    event = conference["event"]
    Event.objects.filter(pk=event.pk).update(retention_months=24)
    event.refresh_from_db()

    assert retention.anonymise_at(event) == local(2026, 3, 10, 16)
    with time_machine.travel(ANONYMISED, tick=False):
        assert retention.sweep()["events"] == 0
    with time_machine.travel(local(2026, 3, 10, 16), tick=False):
        assert retention.sweep()["events"] == 1


def test_the_site_period_is_the_default(conference, site):
    site.retention_months = 3
    site.save()
    from tilmeld.core.site import forget

    forget()

    assert retention.anonymise_at(conference["event"]) == local(2024, 6, 10, 16)


def test_invoice_names_are_removed_only_after_the_bookkeeping_period(conference):
    """Issued in 2024: kept unchanged through 2029, names removed from 1 January 2030. The
    database's own clock must agree (migration 0008), so this test moves the invoice's date
    back instead of the clock forward: one issued in 2019 is due from 1 January 2025."""
    invoice = Invoice.objects.get()
    assert retention.bookkeeping_until(invoice.issue_date).isoformat() == "2029-12-31"
    assert not retention.invoice_due(invoice, local(2029, 12, 31).date())
    assert retention.invoice_due(invoice, local(2030, 1, 1).date())

    old = _issued_in_2019(conference)
    before, kept = old.document, (old.number, old.issue_date, old.net, old.vat, old.gross)
    with time_machine.travel(local(2024, 12, 31, 23, 59), tick=False):
        assert retention.sweep()["invoices"] == 0
    old.refresh_from_db()
    assert (old.document, old.anonymised_at) == (before, None)

    with time_machine.travel(local(2025, 1, 1, 0, 1), tick=False):
        assert retention.sweep()["invoices"] == 1

    old.refresh_from_db()
    document = old.document
    assert old.anonymised_at == local(2025, 1, 1, 0, 1)
    assert old.buyer_name == "Aarhus Kommune, Hovedbiblioteket"  # an institution, kept
    assert document["buyer"] == {
        **before["buyer"], "contact_name": "", "contact_email": "", "contact_phone": ""
    }  # fmt: skip
    assert document["buyer_reference"] == ""
    assert [line["note"] for line in document["lines"]] == ["", ""]
    assert {
        k: v for k, v in document.items() if k not in ("buyer", "buyer_reference", "lines")
    } == {k: v for k, v in before.items() if k not in ("buyer", "buyer_reference", "lines")}
    assert [line["unit_price"] for line in document["lines"]] == [
        line["unit_price"] for line in before["lines"]
    ]
    assert (old.number, old.issue_date, old.net, old.vat, old.gross) == kept
    # Still refused: any other change, and a second removal.
    with pytest.raises(DatabaseError), transaction.atomic():
        Invoice.objects.filter(pk=old.pk).update(gross=Decimal(0))
    with pytest.raises(DatabaseError), transaction.atomic():
        Invoice.objects.filter(pk=old.pk).update(buyer_name="X", anonymised_at=local(2025, 2, 1))


def test_the_database_refuses_to_remove_names_from_a_young_invoice(conference):
    invoice = Invoice.objects.get()

    with pytest.raises(DatabaseError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(
            buyer_name="X", anonymised_at=local(2025, 1, 1)
        )


def _issued_in_2019(conference) -> Invoice:
    """An invoice of the same booking as if issued on 1 March 2019, through the real service."""
    from tilmeld.invoicing.documents import snapshot
    from tilmeld.invoicing.models import InvoiceSeries
    from tilmeld.invoicing.services import issue

    InvoiceSeries.objects.create(code="old", prefix="2019-")
    document = Invoice.objects.get().as_document()
    import dataclasses

    with time_machine.travel(local(2019, 3, 1, 10), tick=False):
        old = dataclasses.replace(document, number="", issue_date=local(2019, 3, 1).date())
        issued = issue(
            old, booking=conference["booking"], series=InvoiceSeries.objects.get(code="old")
        )
    assert snapshot.from_json(issued.document).buyer.contact_name == "Anne Jensen"
    return issued


def test_dry_run_lists_events_and_invoices_with_their_dates(conference):
    out = io.StringIO()
    with time_machine.travel(local(2025, 1, 15, 12), tick=False):
        call_command("anonymise", dry_run=True, stdout=out)

    assert out.getvalue() == (
        "Events (date, participants, bookings, mails):\n"
        "  2025-03-10  konference-2024: 4 participants, 2 bookings, 7 mails\n"
        "Invoices (year, names removed on, invoices):\n"
        "  2024  2030-01-01: 1 invoices\n"
    )
    assert Participant.objects.filter(name="Anne Jensen").exists()  # nothing changed

    out = io.StringIO()
    with time_machine.travel(ANONYMISED, tick=False):
        call_command("anonymise", dry_run=True, stdout=out)
        assert "konference-2024: 4 participants, 2 bookings, 7 mails (due now)" in out.getvalue()
        call_command("anonymise", stdout=out)
        assert out.getvalue().endswith(
            "Anonymised 1 events (4 participants, 2 bookings, 7 mails);"
            " names removed from 0 invoices.\n"
        )
        out = io.StringIO()
        call_command("anonymise", dry_run=True, stdout=out)
    assert "Events (date, participants, bookings, mails):\n  none\n" in out.getvalue()


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_the_worker_runs_it(conference, run_worker):
    with time_machine.travel(ANONYMISED, tick=False):
        run_worker()

    assert Event.objects.get().anonymised_at == ANONYMISED
    assert not Participant.objects.exclude(name="Anonymiseret").exists()


def test_someone_registered_after_the_anonymisation_is_anonymised_by_the_next_sweep(
    conference, staff
):
    from tilmeld.registrations.services.booking import Booker, Person, register

    event = conference["event"]
    with time_machine.travel(ANONYMISED, tick=False):
        retention.sweep()
        register(
            event,
            booker=Booker("Eja Lund", "eja@example.org"),
            people=[Person("Eja Lund", "eja@example.org", "Vejle Bibliotekerne")],
            language="da",
            by=staff,
        )

        done = retention.sweep()
        again = retention.sweep()

    assert (done["participants"], done["bookings"], again["participants"]) == (1, 1, 0)
    assert not Participant.objects.exclude(name="Anonymiseret").exists()
    assert not Booking.objects.exclude(booker_name="Anonymiseret").exists()
    assert not OutboxMessage.objects.filter(to_email__icontains="eja").exists()
