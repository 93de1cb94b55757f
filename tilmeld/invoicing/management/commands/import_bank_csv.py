from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tilmeld.core.money import money_text
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.payments import import_bank_csv


class Command(BaseCommand):
    help = (
        "Record the payments in a bank's CSV export (date;text;amount) on the invoices whose"
        " numbers their texts name. Importing the same file again records nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="username to record the payments as")

    def handle(self, *args, file: Path, user, **options):
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"No user named {user!r}.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            result = import_bank_csv(data, by=by)
        except InvoicingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Matched: %(matched)s. Already imported: %(already)s. Unmatched: %(unmatched)s.")
            % {
                "matched": len(result.matched),
                "already": len(result.already_imported),
                "unmatched": len(result.unmatched),
            }
        )
        for line, reason in result.unmatched:
            self.stdout.write(
                _("Line %(line)s (%(amount)s, »%(text)s«): %(reason)s")
                % {
                    "line": line.line,
                    "amount": money_text(line.amount),
                    "text": line.text[:60],
                    "reason": reason,
                }
            )
