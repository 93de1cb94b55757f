from django.core.management.base import BaseCommand

from tilmeld.registrations.services.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Queue the reminder mails that are due now (the worker also does this by itself)."

    def handle(self, *args, **options):
        count = send_due_reminders()
        self.stdout.write(f"{count} reminders queued.")
