"""Buyers without an EAN location number get the invoice as a PDF by mail, through the outbox."""

from dataclasses import replace

import pytest
from django.core import mail
from django.utils.module_loading import import_string

from tests.factories import SiteSettingsFactory
from tests.invoicing.test_documents import COMPANY, invoice, seat
from tilmeld.invoicing.documents.data import Kind
from tilmeld.invoicing.services import credit, issue
from tilmeld.mail.models import OutboxMessage

pytestmark = pytest.mark.django_db
BOGBUSSEN = replace(COMPANY, contact_email="bogholderi@bogbussen.dk", contact_name="Lis Holm")


def rendered(message):
    return import_string(message.renderer)(message)


def test_a_company_gets_its_invoice_as_a_pdf_in_a_mail():
    SiteSettingsFactory()
    issued = issue(invoice(seat("1", "500.00"), buyer=BOGBUSSEN))

    [message] = OutboxMessage.objects.all()
    email = rendered(message)

    assert (message.to_email, message.to_name, message.reference) == (
        "bogholderi@bogbussen.dk",
        "Lis Holm",
        f"invoice:{issued.pk}",
    )
    assert email.subject == "Faktura 0001 fra Danmarks Biblioteksforening"
    assert " ".join(email.body.split()).startswith(
        "Kære Bogbussen ApS Vedlagt er faktura 0001 på 625,00 kr. inkl. moms. "
        "Betal venligst senest 31. maj 2026, og angiv betalingsreference 0001."
    )
    [(name, content, kind)] = email.attachments
    assert (name, kind, content[:5]) == ("0001.pdf", "application/pdf", b"%PDF-")


def test_a_credit_note_mail_names_the_invoice_it_credits():
    SiteSettingsFactory()
    issued = issue(invoice(seat("1", "500.00"), buyer=BOGBUSSEN))
    credit(issued, invoice(seat("1", "500.00"), buyer=BOGBUSSEN, kind=Kind.CREDIT_NOTE))

    email = rendered(OutboxMessage.objects.get(reference__endswith=str(issued.pk + 1)))

    assert email.subject == "Kreditnota K-0001 fra Danmarks Biblioteksforening"
    assert "Vedlagt er kreditnota K-0001, som krediterer faktura 0001." in " ".join(
        email.body.split()
    )


def test_a_public_body_gets_the_xml_and_no_mail():
    issue(invoice(seat("1", "1995.00")))

    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []
