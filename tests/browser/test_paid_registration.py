"""A paid registration in a real browser: a price and the dinner, a public body that pays, a
wrong EAN number told next to its field, and the invoice PDF from the booking page."""

from decimal import Decimal
from pathlib import Path

from django.urls import reverse

from tests.factories import EventFactory, OptionFactory, PriceFactory, SiteSettingsFactory
from tilmeld.invoicing import billing
from tilmeld.invoicing.models import Invoice
from tilmeld.registrations.models import Booking, Participant


def _priced_event():
    SiteSettingsFactory()  # with CVR number and bank account: invoices can be issued
    event = EventFactory(title_da="Bibliotekernes årsmøde", capacity=20)
    PriceFactory(event=event, name_da="Medlem", amount=Decimal("1995.00"), position=1)
    PriceFactory(event=event, name_da="Ikke-medlem", amount=Decimal("2795.00"), position=2)
    OptionFactory(event=event, name_da="Festmiddag", amount=Decimal("350.00"))
    return event


def test_a_public_body_pays_and_the_invoice_pdf_downloads(page, axe):
    event = _priced_event()

    page.goto(reverse("registrations:register", kwargs={"slug": event.slug}))
    axe(page)
    page.locator("#id_name").fill("Anne Hansen")
    page.locator("#id_email").fill("anne@example.org")
    page.get_by_label("Ikke-medlem – 2.795,00 kr.").check()
    page.get_by_label("Festmiddag – 350,00 kr.").check()
    page.get_by_label("En offentlig myndighed (EAN-nummer)").check()
    # Only a public body's fields now: no CVR number (site.css, without script).
    assert page.locator("#id_payer_cvr").is_hidden()
    page.get_by_label("Navn på fakturaen").fill("Aarhus Kommune, Hovedbiblioteket")
    page.locator("#id_payer_gln").fill("5798009811579")
    page.get_by_label("Ordrenummer").fill("PO-4711")
    page.get_by_label("Jeg har læst privatlivspolitikken").check()
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    error = page.locator("#id_payer_gln_error")
    error.wait_for()
    assert error.inner_text() == (
        "EAN-nummerets sidste ciffer passer ikke med de andre. Tjek venligst nummeret."
    )
    assert page.locator("#id_payer_gln").get_attribute("aria-invalid") == "true"
    axe(page)
    assert Participant.objects.count() == 0
    page.locator("#id_payer_gln").fill("5798009811578")
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    page.get_by_text("Tak. Tilmeldingen er bekræftet").wait_for()
    booking = Booking.objects.get()
    assert (booking.payer.gln, booking.payer.order_reference) == ("5798009811578", "PO-4711")
    [invoice] = billing.settle(booking)  # as the worker does once the registration commits
    page.goto(booking.get_manage_url())
    page.get_by_role("heading", name="Din booking").wait_for()
    assert page.locator("td.price").inner_text() == (
        "Ikke-medlem: 2.795,00 kr.\nFestmiddag: 350,00 kr."
    )
    assert page.get_by_text("I alt for bookingen: 3.145,00 kr. inkl. moms").is_visible()
    axe(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Faktura {invoice.number} (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    assert Invoice.objects.get().gross == Decimal("3145.00")
