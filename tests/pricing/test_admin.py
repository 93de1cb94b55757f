"""Prices and options in the event admin, and the register of member organisations."""

import datetime as dt
import html
import io
import re

import pytest
import time_machine
from openpyxl import Workbook

from tests.core.admin_pages import changelist_rows
from tests.core.pages import content, text_of, url
from tests.events.test_admin import post_add_form
from tests.factories import EventFactory, MemberOrganisationFactory, PriceFactory, StaffFactory
from tilmeld.pricing.models import MemberOrganisation, Option, Price

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, site):
    client.force_login(StaffFactory())
    return client


def price_row(**changes) -> dict:
    row = {
        "prices-TOTAL_FORMS": "1",
        "prices-0-name_da": "Medlem",
        "prices-0-name_en": "Member",
        "prices-0-amount": "1995.00",
        "prices-0-position": "0",
    }
    return row | {f"prices-0-{name}": value for name, value in changes.items()}


def inline_errors(response, prefix: str) -> list[dict]:
    [formset] = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    ]
    return formset.errors


def cell_errors(page: str, prefix: str, field: str) -> list[str]:
    """The error messages shown in the inline row's own cell of the field."""
    match = re.search(
        rf'<td class="field-{field}">\s*<ul class="errorlist" id="id_{prefix}-{field}_error">'
        r"(.*?)</ul>",
        page,
        re.DOTALL,
    )
    return re.findall(r"<li>(.*?)</li>", html.unescape(match.group(1))) if match else []


def test_an_event_is_saved_with_its_prices_and_options_in_both_languages(staff_client):
    response = post_add_form(
        staff_client,
        **price_row(early_amount="1795.00", early_until="2016-05-01", limit="40"),
        **{
            "options-TOTAL_FORMS": "1",
            "options-0-name_da": "Festmiddag",
            "options-0-name_en": "Conference dinner",
            "options-0-amount": "350",
            "options-0-position": "0",
        },
        vat_mode="exempt",
        vat_exemption_reason="Momsfritaget, jf. momslovens § 13, stk. 1, nr. 6",
    )

    assert response.status_code == 302
    assert list(
        Price.objects.values_list(
            "event__vat_mode",
            "name_da",
            "name_en",
            "amount",
            "early_amount",
            "early_until",
            "limit",
        )
    ) == [("exempt", "Medlem", "Member", 1995, 1795, dt.date(2016, 5, 1), 40)]
    assert list(Option.objects.values_list("name_da", "name_en", "amount")) == [
        ("Festmiddag", "Conference dinner", 350)
    ]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"amount": "-1"}, {"amount": ["En pris kan ikke være negativ."]}),
        ({"amount": "1000000000000"}, {"amount": ["En pris kan højst være 1.000.000,00 kr."]}),
        (
            {"amount": "100", "early_amount": "1000000.01", "early_until": "2016-05-01"},
            {"early_amount": ["En pris kan højst være 1.000.000,00 kr."]},
        ),
        (
            {"early_amount": "1795", "early_until": "2016-05-23"},
            {"early_until": ["Early bird-prisen skal slutte før arrangementet."]},
        ),
        (
            {"early_amount": "1795"},
            {"early_until": ["Angiv den sidste dag for early bird-prisen."]},
        ),
    ],
)
def test_a_price_out_of_range_or_an_early_bird_after_the_event_is_refused_beside_its_field(
    staff_client, changes, errors
):
    response = post_add_form(staff_client, "da", **price_row(**changes))

    assert response.status_code == 200
    assert inline_errors(response, "prices") == [errors]
    page = content(response)
    assert {field: cell_errors(page, "prices-0", field) for field in errors} == errors
    assert Price.objects.count() == 0


def test_an_exempt_event_needs_its_legal_basis(staff_client):
    response = post_add_form(staff_client, "da", vat_mode="exempt")

    assert response.context["adminform"].form.errors == {
        "vat_exemption_reason": [
            "Fakturaer for et momsfritaget arrangement skal angive hjemlen for fritagelsen."
        ]
    }


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
def test_member_organisations_list_shows_numbers_domains_and_membership(staff_client):
    MemberOrganisationFactory(
        name="Aarhus Kommune",
        cvr="55133018",
        ean_numbers="5798000000018\n5798000000025",
        email_domains="aarhus.dk\nbib.aarhus.dk",
        member_from=dt.date(2026, 1, 1),
        member_until=dt.date(2026, 12, 31),
    )
    MemberOrganisationFactory(
        name="Vejle Kommune",
        cvr="29189927",
        ean_numbers="",
        email_domains="vejle.dk",
        member_until=dt.date(2025, 12, 31),
    )
    changelist = url("admin:pricing_memberorganisation_changelist")

    everyone = changelist_rows(staff_client.get(changelist))
    current = changelist_rows(staff_client.get(changelist, {"membership": "current"}))
    former = changelist_rows(staff_client.get(changelist, {"membership": "former"}))

    assert everyone == [
        [
            "Aarhus Kommune",
            "55133018",
            "5798000000018, 5798000000025",
            "aarhus.dk, bib.aarhus.dk",
            "1. januar 2026 – 31. december 2026",
        ],
        ["Vejle Kommune", "29189927", "–", "vejle.dk", "til 31. december 2025"],
    ]
    assert [row[0] for row in current] == ["Aarhus Kommune"]
    assert [row[0] for row in former] == ["Vejle Kommune"]


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("aarhus", ["Aarhus Kommune"]),
        ("55 13 30 18", ["Aarhus Kommune"]),
        ("5798000000025", ["Aarhus Kommune"]),
        ("vejle.dk", ["Vejle Kommune"]),
    ],
)
def test_member_organisations_are_found_by_name_cvr_ean_or_domain(staff_client, term, found):
    MemberOrganisationFactory(
        name="Aarhus Kommune",
        cvr="55133018",
        ean_numbers="5798000000025",
        email_domains="aarhus.dk",
    )
    MemberOrganisationFactory(
        name="Vejle Kommune", cvr="29189927", ean_numbers="", email_domains="vejle.dk"
    )

    response = staff_client.get(url("admin:pricing_memberorganisation_changelist"), {"q": term})

    assert [row[0] for row in changelist_rows(response)] == found


@pytest.mark.parametrize("count", [1, 3])
def test_member_organisations_list_query_count_does_not_grow(
    staff_client, django_assert_num_queries, count
):
    for n in range(count):
        MemberOrganisationFactory(name=f"Kommune {n}", email_domains=f"k{n}.dk")
    changelist = url("admin:pricing_memberorganisation_changelist")

    with django_assert_num_queries(6):
        response = staff_client.get(changelist)

    assert response.context["cl"].result_count == count


def test_staff_import_members_from_an_xlsx_file(staff_client):
    workbook = Workbook()
    workbook.active.append(["Navn", "CVR", "EAN", "Domæner", "Medlem fra", "Medlem til"])
    workbook.active.append(
        ["Aarhus Kommune", 55133018, "5798000000018", "aarhus.dk", "01-01-2026", None]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "medlemmer.xlsx"

    response = staff_client.post(
        url("admin:pricing_memberorganisation_import"), {"file": upload}, follow=True
    )

    assert response.redirect_chain == [(url("admin:pricing_memberorganisation_changelist"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "1 oprettet, 0 opdateret, 0 rækker med fejl."
    ]
    assert list(MemberOrganisation.objects.values_list("name", "cvr", "member_from")) == [
        ("Aarhus Kommune", "55133018", dt.date(2026, 1, 1))
    ]


def test_staff_see_each_row_in_error_and_nothing_is_imported(staff_client):
    upload = io.BytesIO(
        b"navn;cvr;ean\nAarhus Kommune;55133018;\nVejle Kommune;12345678;\n"
        b"Odense;35209115;5798000000019\n"
    )
    upload.name = "medlemmer.csv"

    response = staff_client.post(url("admin:pricing_memberorganisation_import"), {"file": upload})

    page = content(response)
    errors = re.search(r'<ul class="import-errors">(.*?)</ul>', page, re.DOTALL).group(1)
    assert response.status_code == 200
    assert text_of(page, "p", "errornote") == (
        "0 oprettet, 0 opdateret, 2 rækker med fejl. "
        "Intet blev importeret: ret rækkerne, og importér filen igen."
    )
    assert re.findall(r"<li>(.*?)</li>", html.unescape(errors)) == [
        "Række 3: CVR-nummer: Det er ikke et gyldigt CVR-nummer. Tjek det venligst.",
        "Række 4: EAN-numre: 5798000000019: EAN-nummerets sidste ciffer passer ikke med de"
        " andre. Tjek venligst nummeret.",
    ]
    assert MemberOrganisation.objects.count() == 0


def test_an_unreadable_file_is_refused_beside_the_upload(staff_client):
    upload = io.BytesIO(b"PK\x03\x04not a workbook")
    upload.name = "medlemmer.xlsx"

    response = staff_client.post(url("admin:pricing_memberorganisation_import"), {"file": upload})

    assert response.context["form"].errors == {
        "file": ["Filen kan ikke læses som et Excel-regneark (.xlsx)."]
    }


def test_importing_members_needs_the_right_to_add_and_change_them(client, site):
    client.force_login(StaffFactory(is_superuser=False))

    response = client.get(url("admin:pricing_memberorganisation_import"))

    assert response.status_code == 403


def test_staff_add_a_member_with_numbers_and_domains_as_people_write_them(staff_client):
    response = staff_client.post(
        url("admin:pricing_memberorganisation_add"),
        {
            "name": "Aarhus Kommune",
            "cvr": "DK 55 13 30 18",
            "ean_numbers": "5798000000018\r\n 5798-0000-00025 ",
            "email_domains": "@Aarhus.dk\r\nbib.aarhus.dk",
            "member_from": "2026-01-01",
        },
    )

    assert response.status_code == 302
    assert list(MemberOrganisation.objects.values_list("cvr", "ean_numbers", "email_domains")) == [
        ("55133018", "5798000000018\n5798000000025", "aarhus.dk\nbib.aarhus.dk")
    ]


def test_a_bad_cvr_number_is_refused_beside_its_field(staff_client):
    response = staff_client.post(
        url("admin:pricing_memberorganisation_add"), {"name": "Vejle", "cvr": "12345678"}
    )

    assert response.context["adminform"].form.errors == {
        "cvr": ["Det er ikke et gyldigt CVR-nummer. Tjek det venligst."]
    }
    assert MemberOrganisation.objects.count() == 0


def folded(page: str, group: str) -> bool:
    section = page[page.index(f'id="{group}-group"') :]
    return section[: section.index("</fieldset>")].count("<details>") == 1


def test_prices_open_on_a_priced_event_and_fold_away_on_a_free_one(staff_client):
    free = EventFactory()
    priced = EventFactory()
    PriceFactory(event=priced)

    free_page = content(staff_client.get(url("admin:events_event_change", object_id=free.pk)))
    priced_page = content(staff_client.get(url("admin:events_event_change", object_id=priced.pk)))

    assert (folded(free_page, "prices"), folded(free_page, "options")) == (True, True)
    assert (folded(priced_page, "prices"), folded(priced_page, "options")) == (False, False)
    heading = r"<details><summary>\s*<h2 [^>]*>Priser og fakturering</h2>"
    assert re.search(heading, free_page) is not None
    assert re.search(heading, priced_page) is None
