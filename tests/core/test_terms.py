"""Versions of the privacy policy and the registration terms (core.terms)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PageFactory, StaffFactory
from tilmeld.core import terms
from tilmeld.core.models import PageRole, PageVersion

pytestmark = pytest.mark.django_db

DAY_ONE = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)


def versions(page):
    return list(
        PageVersion.objects.filter(page=page)
        .order_by("number")
        .values_list("number", "body_da", "body_en")
    )


def test_saving_a_terms_page_makes_a_version_only_when_its_text_changes():
    page = PageFactory(slug="betingelser", body_da="Første tekst.", role=PageRole.TERMS)
    staff = StaffFactory()

    first = terms.record_version(page, by=staff)
    unchanged = terms.save_page(page, by=staff)
    page.in_footer, page.position = False, 3  # not the text: no new version
    moved = terms.save_page(page, by=staff)
    page.body_en = "First text."
    second = terms.save_page(page, by=staff)
    page.body_da = "Anden tekst."
    third = terms.save_page(page, by=None)

    assert (first.number, unchanged, moved, second.number, third.number) == (1, None, None, 2, 3)
    assert versions(page) == [
        (1, "Første tekst.", ""),
        (2, "Første tekst.", "First text."),
        (3, "Anden tekst.", "First text."),
    ]
    assert [v.created_by for v in PageVersion.objects.order_by("number")] == [staff, staff, None]


def test_a_page_without_a_role_has_no_versions():
    page = PageFactory(slug="tilgaengelighed")
    page.body_da = "Ny tekst."

    assert terms.save_page(page) is None
    assert versions(page) == []


def test_current_terms_are_the_latest_version_of_each_role(django_assert_num_queries):
    privacy = PageFactory(slug="privatliv", body_da="P1", role=PageRole.PRIVACY)
    conditions = PageFactory(slug="betingelser", body_da="B1", role=PageRole.TERMS)
    terms.save_page(privacy)
    terms.save_page(conditions)
    conditions.body_da = "B2"
    terms.save_page(conditions)

    with django_assert_num_queries(1):
        current = terms.current_terms()
        found = [(v.page.slug, v.number) for v in current.versions]

    assert found == [("privatliv", 1), ("betingelser", 2)]


def test_an_earlier_version_stays_readable_at_its_own_address(client):
    with time_machine.travel(DAY_ONE, tick=False):
        page = PageFactory(
            slug="betingelser", title_da="Betingelser", body_da="Gammel **tekst**.", role="terms"
        )
        terms.save_page(page)
    with time_machine.travel(DAY_ONE + dt.timedelta(days=31), tick=False):
        page.body_da = "Ny tekst."
        terms.save_page(page)

    old = client.get(reverse("page_version", kwargs={"slug": "betingelser", "number": 1}))
    current = client.get(reverse("page", kwargs={"slug": "betingelser"}))
    missing = client.get(reverse("page_version", kwargs={"slug": "betingelser", "number": 3}))

    old_html = old.content.decode()
    assert reverse("page_version", kwargs={"slug": "betingelser", "number": 1}) == (
        "/sider/betingelser/version/1/"
    )
    assert "Gammel <strong>tekst</strong>." in old_html
    assert "Version 1, gældende fra 4. januar 2027." in old_html
    assert "Læs den gældende version" in old_html
    current_html = current.content.decode()
    assert "Ny tekst." in current_html
    assert "Version 2, gældende fra 4. februar 2027</a> (gældende)" in current_html
    assert "Version 1, gældende fra 4. januar 2027</a>" in current_html
    assert missing.status_code == 404


def test_staff_saving_the_terms_in_the_admin_makes_a_version_shown_there(client):
    staff = StaffFactory()
    client.force_login(staff)
    page = PageFactory(slug="betingelser", title_da="Betingelser", body_da="Tekst 1.")
    url = reverse("admin:core_page_change", args=[page.pk])
    data = {
        "title_da": "Betingelser",
        "title_en": "",
        "slug": "betingelser",
        "body_da": "Tekst 1.",
        "body_en": "",
        "in_footer": "on",
        "position": "0",
        "role": "terms",
    }

    client.post(url, data)
    shown = {  # the read-only list of versions
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-0-id": str(PageVersion.objects.get().pk),
        "versions-0-page": str(page.pk),
    }
    client.post(url, {**data, **shown})  # saved again unchanged
    client.post(url, {**data, **shown, "body_da": "Tekst 2."})
    page_html = client.get(url).content.decode()

    assert [(n, body) for n, body, _en in versions(page)] == [(1, "Tekst 1."), (2, "Tekst 2.")]
    assert PageVersion.objects.filter(created_by=staff).count() == 2
    assert page_html.count("Læs denne version") == 2
