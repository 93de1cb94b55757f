from django_tasks import task

from tilmeld.webhooks import delivering


@task()
def send_delivery(message_id: str) -> str:
    """Sends one webhook delivery if it is due (delivering.send): claimed under its row lock,
    so two workers never send it at once; the claim is committed before the HTTP request, so
    a crash during it is noticed (delivering.recover_deliveries)."""
    return delivering.send(message_id)
