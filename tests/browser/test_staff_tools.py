from django.urls import reverse

from tests.factories import EventFactory, SiteSettingsFactory, StaffFactory, register_people

PASSWORD = "secret-password"


def log_in(page, user):
    page.goto(reverse("admin:login"))
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/admin/")


def test_dashboard_shows_the_numbers_and_the_chart(page, axe):
    SiteSettingsFactory()
    event = EventFactory(title_da="Bibliotekernes dag", capacity=3)
    register_people(event, "Anne", "Bo", "Cai", "Dea")  # Dea waits
    log_in(page, StaffFactory())

    page.goto(reverse("admin:events_event_change", args=[event.pk]))
    page.get_by_role("link", name="Overblik og afvikling").click()

    page.get_by_role("heading", name="Overblik: Bibliotekernes dag").wait_for()
    assert page.get_by_text("3 / 3", exact=True).is_visible()
    assert page.get_by_role("img", name="Tilmeldinger pr. dag, 4 i alt").is_visible()
    axe(page)


def test_message_preview_before_sending(page, axe):
    SiteSettingsFactory()
    event = EventFactory(capacity=1)
    register_people(event, "Anne", "Bo")  # Bo waits
    log_in(page, StaffFactory(email="kim@example.org"))

    page.goto(reverse("staff:message", kwargs={"event_id": event.pk}))
    page.get_by_label("Til:").select_option("waiting")
    page.get_by_label("Emne:").fill("Nyt om ventelisten")
    page.get_by_label("Besked:").fill("Vi forventer flere pladser.")
    page.get_by_role("button", name="Forhåndsvis").click()

    assert page.locator("pre.mail-preview").inner_text().startswith("Kære Bo")
    axe(page)
    page.get_by_role("button", name="Send til 1 deltager").click()

    page.get_by_text("Beskeden er på vej til 1 deltager.").wait_for()
    assert page.get_by_role("cell", name="bo@example.org").is_visible()
    axe(page)


def test_export_download_reads_back(page, axe):
    import csv
    import io

    SiteSettingsFactory()
    event = EventFactory(title_da="Bibliotekernes dag")
    register_people(event, "Anne Hansen", "Bo Berg")
    log_in(page, StaffFactory())

    page.goto(reverse("staff:export", kwargs={"event_id": event.pk}))
    axe(page)
    page.get_by_label("CSV", exact=False).first.check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Hent").click()

    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert download.value.suggested_filename == f"deltagere-{event.slug}.csv"
    assert [row[0] for row in rows[1:]] == ["Anne Hansen", "Bo Berg"]


def test_staff_register_beyond_capacity_hand_over_and_move_up(page, axe):
    from tilmeld.registrations.models import Participant, SeatCount

    SiteSettingsFactory()
    event = EventFactory(title_da="Bibliotekernes dag", capacity=1)
    register_people(event, "Anne", "Bo")  # Bo waits
    log_in(page, StaffFactory())

    page.goto(
        reverse("admin:registrations_participant_changelist") + f"?event__id__exact={event.pk}"
    )
    page.get_by_role("link", name="Tilmeld en deltager").click()
    page.get_by_label("Arrangement:").select_option(str(event.pk))
    page.get_by_label("Navn:").fill("Dorte Dahl")
    page.get_by_label("E-mail:").fill("dorte@example.org")
    page.get_by_label("Giv en plads, selv om arrangementet er fuldt").check()
    page.get_by_role("button", name="Tilmeld").click()

    page.get_by_text("Dorte Dahl er tilmeldt: Bekræftet.").wait_for()
    axe(page)
    page.get_by_role("link", name="Overdrag pladsen").click()
    page.get_by_label("Kollegaens navn").fill("Eva Eriksen")
    page.get_by_label("Kollegaens e-mail").fill("eva@example.org")
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Dorte Dahls plads tilhører nu Eva Eriksen.").wait_for()

    page.goto(
        reverse("admin:registrations_participant_changelist") + f"?event__id__exact={event.pk}"
    )
    page.get_by_role("row", name="Bo").get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Handling").select_option(
        label="Ryk de valgte op fra ventelisten"
    )
    page.get_by_role("button", name="Udfør").click()
    page.get_by_text("1 rykket op.").wait_for()
    axe(page)

    seats = SeatCount.objects.get(pk=event.pk)
    assert (seats.confirmed, seats.waiting) == (3, 0)
    statuses = dict(Participant.objects.values_list("name", "status"))
    assert statuses == {
        "Anne": "confirmed",
        "Bo": "confirmed",
        "Dorte Dahl": "substituted",
        "Eva Eriksen": "confirmed",
    }
