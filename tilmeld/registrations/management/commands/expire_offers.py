from django.core.management.base import BaseCommand

from tilmeld.registrations.services.offers import expire_due_offers


class Command(BaseCommand):
    help = (
        "Withdraw the offers of a seat whose deadline has passed and offer the seats on (the"
        " worker does this by itself at each deadline; this is the fallback for cron)."
    )

    def handle(self, *args, **options):
        count = expire_due_offers()
        self.stdout.write(f"{count} offers withdrawn.")
