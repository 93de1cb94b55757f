"""Renderers for the outbox tests, importable by a worker in another process."""

from django.core.mail import EmailMessage


def numbered(message):
    """A plain mail; the renderer sets no Message-ID, the sending task does."""
    return EmailMessage(
        subject=f"Besked {message.params['number']}", body="Hej", to=[message.to_email]
    )


def with_own_message_id(message):
    email = numbered(message)
    email.extra_headers["Message-Id"] = "<renderer-made@example.org>"
    return email
