import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tilmeld.invoicing.exports import invoice_files, ledger_csv
from tilmeld.invoicing.models import Invoice
from tilmeld.invoicing.selectors import with_balances


class Command(BaseCommand):
    help = (
        "Write every issued invoice and credit note to DIR as NUMBER.pdf, NUMBER.oioubl.xml and"
        " NUMBER.peppol.xml, with a ledger.csv for the bookkeeper."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--since", type=dt.date.fromisoformat, help="only those dated on or after YYYY-MM-DD"
        )

    def handle(self, *args, directory: Path, since, **options):
        invoices = with_balances(Invoice.objects.select_related("credits")).order_by(
            "issue_date", "id"
        )
        if since:
            invoices = invoices.filter(issue_date__gte=since)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot write to {directory}: {error}") from error
        invoices = list(invoices)
        for invoice in invoices:
            for name, content in invoice_files(invoice).items():
                (directory / name).write_bytes(content)
        (directory / "ledger.csv").write_bytes(ledger_csv(invoices))
        self.stdout.write(f"{len(invoices)} documents and ledger.csv written to {directory}.")
