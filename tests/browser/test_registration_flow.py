import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import EventFactory, SiteSettingsFactory, register_people
from tilmeld.registrations.models import Participant, Question
from tilmeld.registrations.services.booking import Booker


def _event(**kwargs):
    SiteSettingsFactory()
    event = EventFactory(title_da="Bibliotekernes dag", capacity=2, show_seats_left=True, **kwargs)
    Question.objects.create(
        event=event, text_da="Kost", kind="multiple", choices="Vegetar\nGlutenfri", sensitive=True
    )
    return event


def test_participant_registers_from_the_event_page(page, axe):
    event = _event()

    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Tilmeld", exact=True).click()
    axe(page)
    page.get_by_label("Navn").fill("Anne Hansen")
    page.get_by_label("E-mail").fill("anne@example.org")
    page.get_by_label("Organisation").fill("Vejle Bibliotekerne")
    page.get_by_label("Vegetar").check()
    page.get_by_label("Jeg har læst privatlivspolitikken").check()
    page.get_by_role("button", name="Tilmeld").click()

    page.get_by_text("Tak. Tilmeldingen er bekræftet").wait_for()
    # Alone, Anne lands on her own page: the link her confirmation mails her.
    assert page.get_by_role("heading", level=1).inner_text() == "Din tilmelding"
    assert page.locator(".status").inner_text() == "Anne Hansen: Bekræftet"
    axe(page)
    anne = Participant.objects.get()
    assert page.url.endswith(anne.get_manage_url() + "#main")
    assert (anne.name, anne.answers.get().value) == ("Anne Hansen", ["Vegetar"])


def test_enter_in_a_field_registers_rather_than_adding_a_colleague(page, axe):
    event = _event()

    page.goto(reverse("registrations:register", kwargs={"slug": event.slug}))
    page.get_by_label("Navn").fill("Anne Hansen")
    page.get_by_label("Organisation").fill("Vejle Bibliotekerne")
    page.get_by_label("Jeg har læst privatlivspolitikken").check()
    page.get_by_label("E-mail").fill("anne@example.org")
    page.get_by_label("E-mail").press("Enter")

    page.get_by_text("Tak. Tilmeldingen er bekræftet").wait_for()
    assert page.url.endswith("#main")
    axe(page)
    assert Participant.objects.get().email == "anne@example.org"


def test_errors_are_shown_next_to_fields_on_a_phone(phone_page, axe):
    event = _event()
    with translation.override("en"):
        url = reverse("registrations:register", kwargs={"slug": event.slug})

    phone_page.goto(url)
    phone_page.get_by_label("E-mail").fill("not-an-address")
    phone_page.get_by_role("button", name="Register", exact=True).click()

    assert phone_page.locator("#id_email_error").inner_text() == "Enter a valid email address."
    assert phone_page.locator("#id_name_error").inner_text() == "This field is required."
    assert phone_page.get_by_label("E-mail").get_attribute("aria-invalid") == "true"
    axe(phone_page)
    assert Participant.objects.count() == 0


def test_colleague_rows_are_added_without_javascript_losing_nothing(page, axe):
    event = _event()

    page.goto(reverse("registrations:register", kwargs={"slug": event.slug}))
    page.get_by_label("Navn").fill("Chef Jensen")
    page.get_by_role("button", name="Tilføj en kollega").click()

    colleague = page.get_by_role("group", name="Kollega 1")
    colleague.wait_for()
    assert page.get_by_label("Navn").first.input_value() == "Chef Jensen"
    # Nothing was sent yet: no error summary about the consent box further down.
    assert page.get_by_text("Formularen har fejl").count() == 0
    assert page.locator(".error, [aria-invalid=true]").count() == 0
    axe(page)
    page.get_by_label("E-mail").first.fill("chef@example.org")
    colleague.get_by_label("Navn").fill("Bo Berg")
    colleague.get_by_label("E-mail").fill("bo@example.org")
    page.get_by_label("Jeg har læst privatlivspolitikken").check()
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    page.get_by_role("heading", name="Din booking").wait_for()
    assert page.get_by_role("cell", name="Chef Jensen", exact=True).is_visible()
    assert page.get_by_role("cell", name="Bo Berg", exact=True).is_visible()


def test_binding_registration_is_handed_to_a_colleague(page, axe):
    event = _event(binding_at=timezone.now() - dt.timedelta(days=1))
    [anne] = register_people(event, "Anne")

    page.goto(anne.get_manage_url())
    assert page.get_by_text("Tilmeldingen blev bindende efter").is_visible()
    assert page.get_by_role("button", name="Afmeld min tilmelding").count() == 0
    axe(page)
    page.get_by_label("Kollegaens navn").fill("Bo Berg")
    page.get_by_label("Kollegaens e-mail").fill("bo@example.org")
    page.get_by_role("button", name="Overdrag min plads").click()

    page.get_by_role("heading", name="Din plads er overdraget").wait_for()
    assert Participant.objects.get(email="bo@example.org").status == "confirmed"
    page.goto(anne.get_manage_url())
    assert page.get_by_role("heading", name="Linket virker ikke længere").is_visible()


def test_booker_hands_a_colleagues_seat_to_another(page, axe):
    event = _event(binding_at=timezone.now() - dt.timedelta(days=1))
    chef = Booker("Chef Jensen", "chef@example.org")
    anne, bo = register_people(event, "Anne", "Bo", booker=chef)

    page.goto(anne.booking.get_manage_url())
    page.get_by_role("heading", name="Din booking").wait_for()
    assert page.get_by_role("button", name="Afmeld (Bo)").count() == 0  # binding: no cancel
    axe(page)
    page.get_by_role("link", name="Overdrag (Bo)").click()

    page.get_by_role("heading", name="Overdrag Bos plads").wait_for()
    axe(page)
    page.get_by_label("Kollegaens navn").fill("Cai Carlsen")
    page.get_by_label("Kollegaens e-mail").fill("cai@example.org")
    page.get_by_role("button", name="Overdrag pladsen").click()

    page.get_by_text("Bos plads tilhører nu Cai Carlsen.").wait_for()
    assert page.get_by_role("cell", name="Cai Carlsen", exact=True).is_visible()
    axe(page)
    bo.refresh_from_db()
    cai = Participant.objects.get(email="cai@example.org")
    assert (bo.status, cai.status, cai.booking_id) == ("substituted", "confirmed", bo.booking_id)
    page.goto(bo.get_manage_url())
    assert page.get_by_role("heading", name="Linket virker ikke længere").is_visible()


def test_cancelling_is_asked_once_more_and_can_be_called_off(page, axe):
    event = _event(binding_at=timezone.now() + dt.timedelta(days=5))
    [anne] = register_people(event, "Anne")

    page.goto(anne.get_manage_url())
    page.get_by_role("button", name="Afmeld min tilmelding").click()
    page.get_by_text("Vil du afmelde din tilmelding?").wait_for()
    axe(page)
    page.get_by_role("link", name="Nej, behold den").click()
    page.get_by_role("button", name="Afmeld min tilmelding").wait_for()
    anne.refresh_from_db()
    assert anne.status == "confirmed"

    page.get_by_role("button", name="Afmeld min tilmelding").click()
    page.get_by_role("button", name="Ja, afmeld").click()

    page.get_by_text("Din tilmelding er afmeldt.").wait_for()
    anne.refresh_from_db()
    assert anne.status == "cancelled"


def test_a_booking_with_long_names_fits_a_phone_without_sideways_scrolling(phone_page, axe):
    event = _event()
    chef = Booker("Bente Kristoffersen", "bente.bibliotekschef.kristoffersen@aarhus.example.org")
    bente, _carl = register_people(
        event, "Bente Bibliotekschef-Kristoffersen", "Carl Kollega", booker=chef
    )

    phone_page.goto(bente.booking.get_manage_url())
    phone_page.get_by_role("heading", name="Din booking").wait_for()

    width = phone_page.viewport_size["width"]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= width
    axe(phone_page)
