import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EventFactory, StaffFactory, UserFactory, register_people
from tests.registrations.test_concurrency import at_once
from tilmeld.registrations.enums import ChangeAction
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import CheckIn, ParticipantChange
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration
from tilmeld.registrations.services.checkin import (
    arrivals,
    check_in,
    check_in_by_code,
    checkin_code,
    participant_id_from_code,
    undo_check_in,
)

pytestmark = pytest.mark.django_db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
AT_9_42 = dt.datetime(2026, 5, 12, 9, 42, 10, tzinfo=COPENHAGEN)


@pytest.fixture
def staff(db):
    return StaffFactory(username="doer")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def staff_url(name, event, participant=None) -> str:
    kwargs = {"event_id": event.pk}
    if participant is not None:
        kwargs["participant_id"] = participant.pk
    return reverse(f"staff:{name}", kwargs=kwargs)


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def actions(participant) -> list[str]:
    return list(participant.changes.order_by("id").values_list("action", flat=True))


# The service


def test_check_in_records_arrival_by_staff_and_history(site, staff):
    event = EventFactory()
    [anne] = register_people(event, "Anne")

    with time_machine.travel(AT_9_42, tick=False):
        arrival, created = check_in(anne, by=staff)

    assert created is True
    assert CheckIn.objects.get() == arrival
    assert (arrival.participant, arrival.by_user, arrival.checked_in_at) == (anne, staff, AT_9_42)
    assert actions(anne) == [ChangeAction.REGISTERED, ChangeAction.CHECKED_IN]
    assert anne.changes.order_by("id").last().by_user == staff


def test_second_check_in_returns_the_existing_one(site, staff):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    first, _ = check_in(anne, by=staff)

    again, created = check_in(anne, by=StaffFactory())

    assert (again, created) == (first, False)
    assert again.by_user == staff
    assert CheckIn.objects.count() == 1
    assert actions(anne).count(ChangeAction.CHECKED_IN) == 1


def test_undo_check_in_removes_it_and_keeps_history(site, staff):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    with time_machine.travel(AT_9_42, tick=False):
        check_in(anne, by=staff)

    undone = undo_check_in(anne, by=staff)

    assert undone is True
    assert CheckIn.objects.count() == 0
    assert actions(anne)[-2:] == [ChangeAction.CHECKED_IN, ChangeAction.CHECK_IN_UNDONE]
    assert anne.changes.order_by("id").last().changes == {
        "checked_in_at": [AT_9_42.isoformat(), None]
    }
    assert check_in(anne, by=staff)[1] is True  # can arrive again after the undo


def test_undo_without_check_in_changes_nothing(site, staff):
    [anne] = register_people(EventFactory(), "Anne")

    assert undo_check_in(anne, by=staff) is False
    assert actions(anne) == [ChangeAction.REGISTERED]


def test_waiting_or_cancelled_participants_cannot_be_checked_in(site, staff):
    _anne, bo = register_people(EventFactory(capacity=1), "Anne", "Bo")  # Bo waits
    [cai] = register_people(EventFactory(), "Cai")
    cancel_registration(cai, by=staff)

    refusals = []
    for participant in (bo, cai):
        with pytest.raises(RegistrationError) as error:
            check_in(participant, by=staff)
        refusals.append((error.value.code, str(error.value)))

    assert refusals == [
        ("not_confirmed", "Bo kan ikke tjekkes ind: Venteliste."),
        ("not_confirmed", "Cai kan ikke tjekkes ind: Afmeldt."),
    ]
    assert CheckIn.objects.count() == 0


def test_arrivals_count_confirmed_participants_only(site, staff):
    event = EventFactory(capacity=3, waiting_list_mode="automatic")
    anne, bo, _cai, _dorte = register_people(event, "Anne", "Bo", "Cai", "Dorte")
    check_in(anne, by=staff)
    check_in(bo, by=staff)
    cancel_registration(bo, by=staff)  # Dorte moves up

    assert arrivals(event) == (1, 3)


# The code


def test_code_names_the_participant_without_personal_data(site):
    [anne] = register_people(EventFactory(), "Anne Østergaard")

    code = checkin_code(anne)

    assert re.fullmatch(rf"{anne.pk}-[A-Z2-7]{{24}}", code)
    assert anne.manage_token not in code
    assert anne.booking.manage_token not in code
    assert "anne" not in code.lower()
    assert participant_id_from_code(code) == anne.pk


def test_code_is_read_in_any_case_and_with_any_separator(site):
    [anne] = register_people(EventFactory(), "Anne")
    number, signature = checkin_code(anne).split("-")

    assert participant_id_from_code(f"  {number}+{signature.lower()}\n") == anne.pk


def test_forged_codes_are_refused(site):
    anne, bo = register_people(EventFactory(), "Anne", "Bo")
    anne_signature = checkin_code(anne).split("-")[1]

    assert participant_id_from_code(f"{bo.pk}-{anne_signature}") is None
    assert participant_id_from_code(f"{anne.pk}-{'A' * 24}") is None
    assert participant_id_from_code(str(anne.pk)) is None
    assert participant_id_from_code(anne.manage_token) is None
    assert participant_id_from_code("") is None


def test_code_made_with_a_retired_key_still_works(site, settings):
    [anne] = register_people(EventFactory(), "Anne")
    old_code = checkin_code(anne)

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-that-is-long-enough-for-django-0123456789-abcdef"

    assert checkin_code(anne) != old_code
    assert participant_id_from_code(old_code) == anne.pk


def test_check_in_by_code_of_another_event_is_refused(site, staff):
    [anne] = register_people(EventFactory(title_da="Årsmødet"), "Anne")

    with pytest.raises(RegistrationError) as error:
        check_in_by_code(EventFactory(), checkin_code(anne), by=staff)

    assert (error.value.code, str(error.value)) == (
        "other_event",
        "Koden hører til et andet arrangement: Årsmødet.",
    )
    assert CheckIn.objects.count() == 0


# Two doors at once: real threads with their own PostgreSQL connections (at_once)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need real concurrent connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_doors_checking_in_the_same_person_record_one_arrival(site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    doors = [StaffFactory(username=f"door{i}") for i in range(6)]

    results = at_once(*(lambda by=by: check_in(anne, by=by) for by in doors))

    assert [r for r in results if isinstance(r, Exception)] == []
    arrival = CheckIn.objects.get()
    assert {checked.pk for checked, _ in results} == {arrival.pk}
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    checked_in = ParticipantChange.objects.filter(action=ChangeAction.CHECKED_IN)
    assert checked_in.count() == 1


# The pages


def test_pages_require_staff_login(client, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    client.force_login(UserFactory())  # logged in, but not staff
    login = reverse("admin:login")

    urls = [
        staff_url("checkin", event),
        staff_url("checkin_arrivals", event),
        staff_url("no_shows", event),
        staff_url("no_shows_csv", event),
    ]
    responses = [client.get(url) for url in urls]
    scan = client.post(staff_url("checkin_scan", event), {"code": checkin_code(anne)})
    tap = client.post(staff_url("checkin_participant", event, anne))

    for response in [*responses, scan, tap]:
        assert response.status_code == 302
        assert response["Location"].startswith(login)
    assert CheckIn.objects.count() == 0


def test_search_finds_name_or_organisation_with_status(staff_client, site):
    event = EventFactory(capacity=2)
    people = [
        Person("Anne Hansen", "anne@example.org", "Vejle Bibliotekerne"),
        Person("Bo Berg", "bo@example.org", "Odense Bibliotekerne"),
        Person("Søren Vejlby", "soren@example.org", "Aarhus"),
    ]
    register(event, booker=Booker("Anne", "anne@example.org"), people=people, language="da")
    url = staff_url("checkin", event)

    response = staff_client.get(url, {"q": "vejl"})

    page = text(response)
    assert "2 resultater for »vejl«" in page
    assert "Anne Hansen Vejle Bibliotekerne Tjek ind" in page
    assert "Søren Vejlby Aarhus Venteliste: kan ikke tjekkes ind" in page
    assert "Bo Berg" not in page
    assert "anne@example.org" not in page
    assert "0 af 2 er ankommet" in page


def test_search_with_several_words_needs_each_word(staff_client, site):
    event = EventFactory()
    people = [Person("Anne Hansen", "a@example.org", "Vejle"), Person("Anne Bo", "b@example.org")]
    register(event, booker=Booker("A", "a@example.org"), people=people, language="da")
    url = staff_url("checkin", event)

    page = text(staff_client.get(url, {"q": "anne vejle"}))

    assert "1 resultat for »anne vejle«" in page
    assert "Anne Bo" not in page


def test_search_ignores_the_case_of_danish_letters(staff_client, site):
    event = EventFactory()
    people = [
        Person("Åse Østergaard", "a@example.org", "Ærø Bibliotek"),
        Person("Bo Berg", "b@example.org", "Vejle"),
    ]
    register(event, booker=Booker("A", "a@example.org"), people=people, language="da")
    url = staff_url("checkin", event)

    found = [
        "Åse Østergaard" in text(staff_client.get(url, {"q": query}))
        for query in ("østergaard", "ÅSE", "ærø", "Østergaard")
    ]

    assert found == [True, True, True, True]


def _search_queries(client, event) -> int:
    url = staff_url("checkin", event)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "Deltager"})
    assert response.status_code == 200
    return len(queries)


def test_search_query_count_is_the_same_for_3_and_30_participants(staff_client, site, staff):
    few, many = EventFactory(), EventFactory()
    for event, count in ((few, 3), (many, 30)):
        for start in range(0, count, 10):  # a booking holds at most 20 people
            register_people(event, *(f"Deltager {i}" for i in range(start, min(count, start + 10))))
        check_in(event.participants.first(), by=staff)

    # ... and one for the audit log's entry of the search
    assert _search_queries(staff_client, few) == _search_queries(staff_client, many) == 7


def test_tap_checks_in_and_a_second_tap_says_already_with_undo(staff_client, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne Hansen")
    tap = staff_url("checkin_participant", event, anne)

    with time_machine.travel(AT_9_42, tick=False):
        first = staff_client.post(tap, {"q": "anne"}, follow=True)
    second = staff_client.post(tap, {"q": "anne"}, follow=True)

    assert first.redirect_chain[0][0] == (staff_url("checkin", event) + f"?q=anne#p{anne.pk}")
    assert "Anne Hansen er tjekket ind." in text(first)
    assert "Anne Hansen var allerede tjekket ind kl. 9.42." in text(second)
    assert "Anne Hansen Tjekket ind kl. 9.42 Fortryd" in text(second)
    assert CheckIn.objects.count() == 1


def test_undo_button_removes_the_check_in(staff_client, site, staff):
    event = EventFactory()
    [anne] = register_people(event, "Anne Hansen")
    check_in(anne, by=staff)
    undo = staff_url("checkin_undo", event, anne)

    response = staff_client.post(undo, {"q": "anne"}, follow=True)

    assert "Indtjekningen af Anne Hansen er fortrudt." in text(response)
    assert "Anne Hansen Tjek ind" in text(response)
    assert CheckIn.objects.count() == 0


def test_tap_on_participant_of_another_event_is_not_found(staff_client, site):
    [anne] = register_people(EventFactory(), "Anne")
    other = EventFactory()
    tap = staff_url("checkin_participant", other, anne)

    assert staff_client.post(tap).status_code == 404
    assert CheckIn.objects.count() == 0


def _scan(client, event, code, **headers):
    url = staff_url("checkin_scan", event)
    return client.post(url, {"code": code}, headers=headers)


def test_scan_with_valid_code_checks_in_and_answers_json(staff_client, site, staff):
    event = EventFactory()
    anne, _bo = register_people(event, "Anne Hansen", "Bo")

    with time_machine.travel(AT_9_42, tick=False):
        response = _scan(staff_client, event, checkin_code(anne), accept="application/json")
    again = _scan(staff_client, event, checkin_code(anne), accept="application/json")

    undo_url = staff_url("checkin_undo", event, anne)
    assert response.status_code == 200
    assert response.json() == {
        "result": "checked_in",
        "message": "Anne Hansen er tjekket ind.",
        "participant": anne.pk,
        "name": "Anne Hansen",
        "organisation": "",
        "checked_in_at": AT_9_42.isoformat(),
        "undo_url": undo_url,
        "arrivals": {"arrived": 1, "expected": 2, "text": "1 af 2 er ankommet"},
    }
    assert (again.json()["result"], again.json()["message"]) == (
        "already_checked_in",
        "Anne Hansen var allerede tjekket ind kl. 9.42.",
    )
    assert CheckIn.objects.get().by_user == staff


def test_scan_with_forged_code_is_refused(staff_client, site):
    event = EventFactory()
    anne, bo = register_people(event, "Anne", "Bo")
    forged = f"{bo.pk}-{checkin_code(anne).split('-')[1]}"

    response = _scan(staff_client, event, forged, accept="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "result": "invalid_code",
        "message": "Koden er ikke en gyldig indtjekningskode.",
    }
    assert CheckIn.objects.count() == 0


def test_scan_with_code_of_another_event_is_refused(staff_client, site):
    [anne] = register_people(EventFactory(title_da="Årsmødet"), "Anne")
    event = EventFactory()

    response = _scan(staff_client, event, checkin_code(anne), accept="application/json")

    assert response.status_code == 400
    assert response.json()["result"] == "other_event"
    assert CheckIn.objects.count() == 0


def test_typed_code_without_javascript_redirects_with_message(staff_client, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne Hansen")

    response = _scan(staff_client, event, checkin_code(anne).lower())

    assert response.status_code == 302
    assert response["Location"].endswith("?q=Anne+Hansen#scan")
    assert "Anne Hansen er tjekket ind." in text(staff_client.get(response["Location"]))
    assert CheckIn.objects.get().participant == anne


def test_arrivals_json_counts(staff_client, site, staff):
    event = EventFactory()
    anne, _bo, _cai = register_people(event, "Anne", "Bo", "Cai")
    check_in(anne, by=staff)

    response = staff_client.get(staff_url("checkin_arrivals", event))

    assert response.json() == {"arrived": 1, "expected": 3, "text": "1 af 3 er ankommet"}


def test_no_shows_lists_confirmed_without_check_in(staff_client, site, staff):
    event = EventFactory(capacity=3)
    anne, _bo, _cai, _dorte = register_people(event, "Anne", "Bo", "Cai", "Dorte")
    check_in(anne, by=staff)
    url = staff_url("no_shows", event)

    page = text(staff_client.get(url))

    assert "2 af 3 bekræftede deltagere er ikke ankommet." in page
    assert "Arrangementet begynder" in page  # before the start, everyone is listed with a note
    assert "Bo bo@example.org Cai cai@example.org" in page
    assert "Anne" not in page.split("E-mail", 1)[1]
    assert "Dorte" not in page


def test_no_shows_after_the_start_has_no_note(client, site, staff):
    event = EventFactory()
    register_people(event, "Anne")

    with time_machine.travel(event.starts_at + dt.timedelta(hours=1)):
        client.force_login(staff)  # a session from a month ago has expired
        page = text(client.get(staff_url("no_shows", event)))

    assert "1 af 1 bekræftede deltagere er ikke ankommet." in page
    assert "Arrangementet begynder" not in page


def test_no_shows_query_count_is_the_same_for_1_and_3(staff_client, site):
    one, three = EventFactory(), EventFactory()
    register_people(one, "A")
    register_people(three, "A", "B", "C")

    def queries(event):
        with CaptureQueriesContext(connection) as captured:
            staff_client.get(staff_url("no_shows", event))
        return len(captured)

    assert queries(one) == queries(three)


def test_no_shows_csv_neutralises_formulas(staff_client, site):
    event = EventFactory()
    people = [Person("=HYPERLINK(1)", "x@example.org", "Vejle", phone="+4512345678")]
    register(event, booker=Booker("X", "x@example.org"), people=people, language="da")

    response = staff_client.get(staff_url("no_shows_csv", event))

    assert response["Content-Type"] == "text/csv"
    assert response.content.decode("utf-8-sig").splitlines() == [
        "Navn;Organisation;Stilling;E-mail;Telefon",
        "'=HYPERLINK(1);Vejle;;x@example.org;'+4512345678",
    ]
