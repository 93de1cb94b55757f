import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tilmeld.api import tokens
from tilmeld.api.enums import Scope


class Command(BaseCommand):
    help = "Make an API token for a staff user; the token is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--scopes",
            required=True,
            help="comma-separated: " + ",".join(Scope.values),
        )
        parser.add_argument("--name", default="", help="what uses it, e.g. the CRM")
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args, username, scopes, name, expires_days, **options):
        owner = get_user_model().objects.filter(username=username).first()
        if owner is None or not owner.is_active or not owner.is_staff:
            raise CommandError(f"No active staff user {username!r}.")
        expires_at = None
        if expires_days is not None:
            if expires_days < 1:
                raise CommandError("--expires-days must be at least 1.")
            expires_at = timezone.now() + dt.timedelta(days=expires_days)
        try:
            row, token = tokens.create_token(
                owner,
                name=name or f"{username} (command line)",
                scopes=scopes.split(","),
                expires_at=expires_at,
            )
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        lacking = [s for s in row.scopes if not tokens.allows(row, s)]
        self.stdout.write(token)
        self.stderr.write(
            f"Token {row.prefix}… for {username}, scopes {', '.join(row.scopes)}. "
            "It is shown only now: store it safely."
        )
        if lacking:
            self.stderr.write(
                f"Note: {username} lacks the permissions for {', '.join(lacking)}; "
                "the token cannot use them until the user has them."
            )
