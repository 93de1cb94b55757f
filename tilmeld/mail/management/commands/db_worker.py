"""django-tasks-db's `db_worker`, which also runs the sweeps of settings.WORKER_SWEEPS (the mail
a stopped worker left unfinished, the offers past their deadline): once when it starts, and
every MAIL_SWEEP_INTERVAL seconds while it runs (in a thread with its own database connection).
It replaces the library's command because tilmeld.mail comes before django_tasks_db in
INSTALLED_APPS (as staticfiles' runserver does)."""

import logging
import os
import threading

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.module_loading import import_string
from django_tasks_db.management.commands import db_worker

log = logging.getLogger("tilmeld.mail")


def sweep() -> None:
    """Each sweep by its dotted path, so the mail app names no app above it."""
    for path in settings.WORKER_SWEEPS:
        try:
            done = import_string(path)()
        except Exception:  # a sweep that fails must not stop the worker; the next one tries again
            log.exception("Sweep %s failed", path)
            continue
        if any(done.values()) if isinstance(done, dict) else done:
            log.warning("Sweep %s: %s", path, done)


def sweep_until(stop: threading.Event, interval: float) -> None:
    try:
        while not stop.wait(interval):
            sweep()
    finally:
        connection.close()  # this thread's own connection


class Command(db_worker.Command):
    help = (
        "Run a database background worker; it also sends again mail that a stopped worker left"
        " and withdraws offers of a seat past their deadline"
    )

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
