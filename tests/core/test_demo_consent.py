"""The demo shows the terms versions and the participant list to a newcomer."""

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.core.test_load_demo import TODAY, UPCOMING
from tilmeld.core.models import PageVersion
from tilmeld.registrations.models import Booking, Participant

pytestmark = pytest.mark.django_db


def test_demo_has_versioned_terms_and_a_participant_list_to_open(client):
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("load_demo", password="demo-password", stdout=out)
        upcoming = Participant.objects.filter(event__slug=UPCOMING)
        guest = upcoming.filter(status="confirmed").order_by("id").first()
        page = client.get(guest.get_manage_url()).content.decode()
        listed = client.get(guest.get_manage_url() + "deltagere/").content.decode()

    versions = PageVersion.objects.order_by("page__slug", "number")
    assert [(v.page.slug, v.number) for v in versions] == [
        ("privatlivspolitik", 1),
        ("tilmeldingsbetingelser", 1),
        ("tilmeldingsbetingelser", 2),
    ]
    accepted = Booking.objects.filter(event__slug=UPCOMING).values_list(
        "privacy_version__number", "terms_version__number"
    )
    assert set(accepted) == {(1, 1)}  # the demo registrations predate the current terms
    consenting = upcoming.filter(status="confirmed", in_participant_list=True)
    assert (consenting.count(), upcoming.filter(in_participant_list=False).count()) == (23, 11)
    assert f"http://127.0.0.1:8000{guest.get_manage_url()}" in out.getvalue()
    assert 'name="in_participant_list"' in page
    assert "Se, hvem der ellers kommer" in page
    assert listed.count('<td role="cell" class="name">') == 23
