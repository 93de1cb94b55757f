from django.core.management.base import BaseCommand

from tilmeld.mail.services import recover_stuck_mail


class Command(BaseCommand):
    help = (
        "Queue again the mail whose send a stopped worker interrupted, or that no task waits for "
        "(the worker also does this by itself; for cron, where no worker may be running)."
    )

    def handle(self, *args, **options):
        counts = recover_stuck_mail()
        self.stdout.write(
            f"{counts['resent']} interrupted mails queued to be sent once more, "
            f"{counts['failed']} failed after a second interruption, "
            f"{counts['requeued']} queued mails given a new task."
        )
