"""django-tasks-db's `db_worker`, which also takes back the mail that a stopped worker left
unfinished: once when it starts, and every MAIL_SWEEP_INTERVAL seconds while it runs (in a
thread with its own database connection). It replaces the library's command because
tilmeld.mail comes before django_tasks_db in INSTALLED_APPS (as staticfiles' runserver does)."""

import logging
import os
import threading

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from tilmeld.mail.services import recover_stuck_mail

log = logging.getLogger("tilmeld.mail")


def sweep() -> None:
    try:
        counts = recover_stuck_mail()
    except Exception:  # a sweep that fails must not stop the worker; the next one tries again
        log.exception("Looking for stuck mail failed")
        return
    if any(counts.values()):
        log.warning("Stuck mail taken back: %s", counts)


def sweep_until(stop: threading.Event, interval: float) -> None:
    try:
        while not stop.wait(interval):
            sweep()
    finally:
        connection.close()  # this thread's own connection


class Command(db_worker.Command):
    help = "Run a database background worker; it also sends again mail that a stopped worker left"

    def handle(self, *args, **options):
        reloading = options["reload"] and not options["batch"]
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)  # the reloader's parent runs no tasks
        sweep()
        stop = threading.Event()
        if not options["batch"]:  # a batch run ends when the queue is empty: one look is enough
            threading.Thread(
                target=sweep_until,
                args=(stop, settings.MAIL_SWEEP_INTERVAL),
                name="outbox-sweep",
                daemon=True,
            ).start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
