from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tilmeld.pricing.imports import ImportRefused, import_members


class Command(BaseCommand):
    help = (
        "Create and update member organisations from a CSV or XLSX file with the columns name,"
        " CVR, EAN, e-mail domains, member from and member until (Danish headers too). A file"
        " with any row in error imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            report = import_members(data)
        except ImportRefused as error:
            raise CommandError(error.message) from error
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            nothing = _("Nothing was imported: correct the rows and import the file again.")
            raise CommandError(f"{report.summary} {nothing}")
        self.stdout.write(report.summary)
