import signal

import pytest
from django.core import mail
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox.clear()


@pytest.fixture
def run_worker():
    """Runs the real worker until the queue holds nothing due, as `manage.py db_worker --batch`
    (which first takes back stuck mail)."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {number: signal.getsignal(number) for number in signals}

    def run():
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    yield run
    for number, handler in saved.items():  # the worker installs its own shutdown handlers
        signal.signal(number, handler)
