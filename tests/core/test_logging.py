import logging

import pytest
from django.urls import reverse

from tests.factories import EventFactory, register_people
from tilmeld.core.logging import HideSecrets

pytestmark = pytest.mark.django_db


def test_manage_link_secret_is_masked_in_request_logs(client, site, caplog, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    logging.getLogger("django.request").addFilter(HideSecrets())
    try:
        with caplog.at_level(logging.WARNING, logger="django.request"):
            client.post(anne.get_manage_url(), {"action": "edit", "edit-email": "not-an-address"})
    finally:
        logging.getLogger("django.request").filters.clear()

    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "/tilmelding/…/" in logged
    assert anne.manage_token not in logged
    assert reverse("registrations:manage", kwargs={"token": "x" * 32}).startswith("/tilmelding/")
