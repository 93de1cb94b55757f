"""The register of member organisations, imported from CSV or XLSX: English or Danish headers,
upserted by CVR number else by name, and a file with any row in error imports nothing."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.factories import MemberOrganisationFactory
from tilmeld.pricing.imports import ImportRefused, import_members
from tilmeld.pricing.models import MemberOrganisation

pytestmark = pytest.mark.django_db

DANISH_CSV = (
    "Navn;CVR;EAN;Domæner;Medlem fra;Medlem til\n"
    "Aarhus Kommune;55133018;5798000000018, 5798000000025;aarhus.dk;01-01-2026;31.12.2026\n"
    "Københavns Kommune;64 94 22 12;5798000000032;kk.dk @bib.kk.dk;2026-01-01;\n"
)


def register() -> list[tuple]:
    return list(
        MemberOrganisation.objects.order_by("name").values_list(
            "name", "cvr", "ean_numbers", "email_domains", "member_from", "member_until"
        )
    )


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_csv_with_danish_headers_creates_the_members():
    report = import_members(DANISH_CSV.encode("utf-8"))

    assert (report.created, report.updated, report.errors) == (2, 0, [])
    assert report.summary == "2 oprettet, 0 opdateret, 0 rækker med fejl."
    assert register() == [
        (
            "Aarhus Kommune",
            "55133018",
            "5798000000018\n5798000000025",
            "aarhus.dk",
            dt.date(2026, 1, 1),
            dt.date(2026, 12, 31),
        ),
        (
            "Københavns Kommune",
            "64942212",
            "5798000000032",
            "kk.dk\nbib.kk.dk",
            dt.date(2026, 1, 1),
            None,
        ),
    ]


def test_an_xlsx_with_date_cells_and_numbers_imports_alike():
    data = xlsx(
        [
            ["navn", "cvr", "ean", "domæner", "medlem fra", "medlem til"],
            ["Odense Kommune", 35209115, 5798000000018, "odense.dk,bib.odense.dk",
             dt.datetime(2026, 1, 1), None],
            [None, None, None, None, None, None],
            ["Bogbussen ApS", "", "", "", "31-01-2026", "31.12.2026"],
        ]
    )  # fmt: skip

    report = import_members(data)

    assert (report.created, report.updated, report.errors) == (2, 0, [])
    assert register() == [
        ("Bogbussen ApS", "", "", "", dt.date(2026, 1, 31), dt.date(2026, 12, 31)),
        (
            "Odense Kommune",
            "35209115",
            "5798000000018",
            "odense.dk\nbib.odense.dk",
            dt.date(2026, 1, 1),
            None,
        ),
    ]


def test_a_bad_cvr_number_names_its_row_and_nothing_is_imported():
    csv = DANISH_CSV + "Vejle Kommune;12345678;;vejle.dk;;\nSlagelse;;123;slagelse;;\n"

    report = import_members(csv.encode("utf-8"))

    assert [str(error) for error in report.errors] == [
        "Række 4: CVR-nummer: Det er ikke et gyldigt CVR-nummer. Tjek det venligst.",
        "Række 5: EAN-numre: 123: Et EAN-lokationsnummer har 13 cifre.",
        "Række 5: e-maildomæner: Ikke et e-maildomæne: slagelse",
    ]
    assert report.summary == "0 oprettet, 0 opdateret, 2 rækker med fejl."
    assert register() == []


def test_an_english_file_updates_by_cvr_else_by_name_and_keeps_a_cvr_not_given():
    by_cvr = MemberOrganisationFactory(name="Aarhus Kommunes Biblioteker", cvr="55133018")
    by_name = MemberOrganisationFactory(name="Bogbussen ApS", cvr="29189919")
    csv = (
        "Name,CVR,EAN,E-mail domains,Member from,Member until\n"
        "Aarhus Kommune,55133018,,aarhus.dk,,2026-12-31\n"
        "Bogbussen Aps,,,bogbussen.dk,,\n"
        "Vejle Kommune,29189927,,vejle.dk,,\n"
    )

    report = import_members(csv.encode("cp1252"))

    assert (report.created, report.updated, report.errors) == (1, 2, [])
    assert register() == [
        ("Aarhus Kommune", "55133018", "", "aarhus.dk", None, dt.date(2026, 12, 31)),
        ("Bogbussen Aps", "29189919", "", "bogbussen.dk", None, None),
        ("Vejle Kommune", "29189927", "", "vejle.dk", None, None),
    ]
    assert MemberOrganisation.objects.get(cvr="55133018").pk == by_cvr.pk
    assert MemberOrganisation.objects.get(cvr="29189919").pk == by_name.pk


def test_rows_are_numbered_as_the_spreadsheet_numbers_them():
    csv = (
        'navn;cvr;ean\nAarhus Kommune;55133018;"5798000000018\n5798000000025"\n'
        "Vejle Kommune;1234;\n"
    )

    report = import_members(csv.encode("utf-8"))

    assert [str(error) for error in report.errors] == [
        "Række 3: CVR-nummer: Et CVR-nummer har 8 cifre."
    ]


def test_the_same_cvr_twice_in_a_file_is_an_error_of_the_second_row():
    csv = "navn;cvr\nAarhus Kommune;55133018\nAarhus Kommune, Hovedbiblioteket;55133018\n"

    report = import_members(csv.encode("utf-8"))

    assert [str(error) for error in report.errors] == ["Række 3: Samme CVR-nummer som række 2."]
    assert register() == []


def test_a_date_that_is_no_date_is_named():
    csv = "navn;medlem fra\nAarhus Kommune;1. januar 2026\n"

    report = import_members(csv.encode("utf-8"))

    assert [str(error) for error in report.errors] == [
        "Række 2: medlem fra: »1. januar 2026« er ikke en dato (31-01-2026 eller 2026-01-31)."
    ]


def test_hostile_text_is_stored_as_typed():
    csv = 'navn;domæner\n"=HYPERLINK(""http://x.example"";""klik"") <b>&amp;";x.dk\n'

    report = import_members(csv.encode("utf-8"))

    assert report.errors == []
    assert register() == [
        ('=HYPERLINK("http://x.example";"klik") <b>&amp;', "", "", "x.dk", None, None)
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Filen er tom."),
        (
            b"cvr;ean\n55133018;\n",
            "Første række skal navngive kolonnerne, blandt dem »name« (eller »navn«).",
        ),
        (b"PK\x03\x04broken", "Filen kan ikke læses som et Excel-regneark (.xlsx)."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(data, message):
    with pytest.raises(ImportRefused) as refused:
        import_members(data)

    assert refused.value.message == message


def test_the_command_imports_and_reports(tmp_path):
    path = tmp_path / "medlemmer.csv"
    path.write_text(DANISH_CSV, encoding="utf-8")
    out = io.StringIO()

    call_command("import_members", str(path), stdout=out)

    assert out.getvalue() == "2 oprettet, 0 opdateret, 0 rækker med fejl.\n"
    assert len(register()) == 2


def test_the_command_fails_with_the_rows_in_error(tmp_path):
    path = tmp_path / "medlemmer.csv"
    path.write_text("navn;cvr\nAarhus Kommune;55133018\nVejle;1234\n", encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_members", str(path), stderr=err)

    assert err.getvalue() == "Række 3: CVR-nummer: Et CVR-nummer har 8 cifre.\n"
    assert str(failed.value) == (
        "0 oprettet, 0 opdateret, 1 række med fejl. "
        "Intet blev importeret: ret rækkerne, og importér filen igen."
    )
    assert register() == []
