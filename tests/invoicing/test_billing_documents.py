"""Every kind of document the booking flow issues passes the official rules (OIOUBL 2.1 and
Peppol BIS 3 with EN 16931) with no fatal finding: member and non-member, VAT included, excluded
and exempt, early-bird, a group of 12 with the dinner, a company, and the credit note."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests.factories import (
    EventFactory,
    MemberOrganisationFactory,
    OptionFactory,
    PriceFactory,
    public_payer,
    register_paid,
)
from tests.invoicing.test_documents import validate  # noqa: F401  (the fixture)
from tilmeld.invoicing import billing
from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.documents.peppol import peppol_xml
from tilmeld.registrations.payers import PayerData
from tilmeld.registrations.services.changes import cancel_registration

pytestmark = pytest.mark.django_db
HOSTILE = ("<script>alert(1)</script> Smørre & Æble Ø-bibliotek " * 6)[:300]


def valid(validate, invoices):  # noqa: F811
    for invoice in invoices:
        document = invoice.as_document()
        for xml in (oioubl_xml(document), peppol_xml(document)):
            report = validate(xml)
            assert report.ok, f"{invoice.number}: " + "\n".join(map(str, report.fatal))
    return invoices


def test_member_early_bird_paid_by_a_municipality(site, validate):  # noqa: F811
    event = EventFactory()
    member = MemberOrganisationFactory()
    price = PriceFactory(
        event=event,
        name_da="Medlem",
        amount=Decimal("1995.00"),
        early_amount=Decimal("1595.00"),
        early_until=timezone.localdate() + dt.timedelta(days=3),
        members_only=True,
    )
    booking = register_paid(
        event, "Anna Jensen", price=price, payer=public_payer(member_organisation_id=member.pk)
    )

    [invoice] = valid(validate, billing.settle(booking))

    assert booking.payer.membership == "verified"
    assert invoice.gross == Decimal("1595.00")
    assert invoice.as_document().lines[0].description.endswith("Medlem, early bird")


def test_non_member_with_prices_excluding_vat_paid_by_a_company(site, validate):  # noqa: F811
    event = EventFactory(vat_mode="excluded")
    payer = PayerData(
        kind="company", name=HOSTILE, cvr="29189919", person_reference="Indkøb & <drift>"
    )
    booking = register_paid(event, "Åse Ærø", price=PriceFactory(event=event), payer=payer)

    [invoice] = valid(validate, billing.settle(booking))

    assert (invoice.net, invoice.vat, invoice.gross) == (
        Decimal("2795.00"),
        Decimal("698.75"),
        Decimal("3493.75"),
    )


def test_group_of_12_with_the_dinner_and_a_credit_note(site, validate):  # noqa: F811
    event = EventFactory(capacity=30)
    price = PriceFactory(event=event, amount=Decimal("1999.99"))
    dinner = OptionFactory(event=event, amount=Decimal("349.99"))
    booking = register_paid(
        event, *[f"Deltager {i}" for i in range(12)], price=price, options=[dinner]
    )
    [invoice] = valid(validate, billing.settle(booking))

    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        cancel_registration(booking.participants.order_by("pk").first())
        [note] = valid(validate, billing.settle(booking))

    assert len(invoice.as_document().lines) == 24
    assert invoice.net == 12 * (Decimal("1599.99") + Decimal("279.99"))  # entered with VAT
    assert invoice.gross == invoice.net + invoice.vat  # VAT once per category, not per line
    assert note.net == Decimal("1599.99") + Decimal("279.99")  # the seat and the dinner


def test_exempt_event(site, validate):  # noqa: F811
    event = EventFactory(
        vat_mode="exempt", vat_exemption_reason="Momsfritaget, jf. momslovens § 13, stk. 1, nr. 3"
    )
    booking = register_paid(event, "Anna Jensen", price=PriceFactory(event=event))

    [invoice] = valid(validate, billing.settle(booking))

    assert invoice.vat == Decimal("0.00")
