"""`tilmeld anonymise`: runs what retention.sweep runs (the worker does it on its own too);
with --dry-run it only lists what will be anonymised, and when."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from tilmeld.privacy import retention


def _day(moment) -> str:
    return timezone.localtime(moment).date().isoformat()


class Command(BaseCommand):
    help = (
        "Anonymise the participants of events past their retention period and the names on"
        " invoices past the bookkeeping period. --dry-run lists what will be done, and when."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what will be anonymised, and when."
        )

    def handle(self, *args, dry_run, **options):
        if dry_run:
            self.list_planned()
            return
        done = retention.sweep()
        self.stdout.write(
            f"Anonymised {done['events']} events ({done['participants']} participants,"
            f" {done['bookings']} bookings, {done['mails']} mails);"
            f" names removed from {done['invoices']} invoices."
        )

    def list_planned(self):
        plans = retention.planned()
        self.stdout.write("Events (date, participants, bookings, mails):")
        for plan in plans:
            due = " (due now)" if plan.due else ""
            self.stdout.write(
                f"  {_day(plan.at)}  {plan.event.slug}: {plan.participants} participants,"
                f" {plan.bookings} bookings, {plan.mails} mails{due}"
            )
        if not plans:
            self.stdout.write("  none")
        self.stdout.write("Invoices (year, names removed on, invoices):")
        invoices = retention.planned_invoices()
        today = timezone.localdate()
        for year, day, count in invoices:
            due = " (due now)" if day <= today else ""
            self.stdout.write(f"  {year}  {day.isoformat()}: {count} invoices{due}")
        if not invoices:
            self.stdout.write("  none")
