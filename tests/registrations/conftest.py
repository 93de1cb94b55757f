import pytest
from django.core import mail


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Mail tasks run at once, inside the test's transaction, so mail.outbox shows them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    mail.outbox.clear()


@pytest.fixture
def database_tasks(settings):
    """Mail tasks wait in the database, as in production: nothing is rendered or sent inside
    a registration's transaction."""
    settings.TASKS = {"default": {"BACKEND": "tilmeld.mail.backend.OutboxTaskBackend"}}
