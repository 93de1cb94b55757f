"""Building an e-mail from templates: `<name>_subject.txt`, `<name>.txt` and `<name>.html`."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string

from tilmeld.mail.models import OutboxMessage


def message_id(message: OutboxMessage) -> str:
    """The Message-ID of the mail: the same on every send of one message, so a receiver can drop
    the second copy when a send interrupted after the SMTP server's accept is sent again."""
    return f"<outbox-{message.pk}@{settings.MAIL_ID_DOMAIN}>"


def stamp_message_id(email: EmailMessage, message: OutboxMessage) -> None:
    """Whatever a renderer put there, the mail goes out with its outbox Message-ID."""
    for name in [name for name in email.extra_headers if name.lower() == "message-id"]:
        del email.extra_headers[name]
    email.extra_headers["Message-ID"] = message_id(message)


def build_email(
    message: OutboxMessage,
    template: str,
    context: dict,
    *,
    attachments: list[tuple[str, bytes, str]] = (),
    reply_to: str = "",
) -> EmailMultiAlternatives:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    name = " ".join(message.to_name.split())  # no line breaks in a header
    recipient = formataddr((name, message.to_email)) if name else message.to_email
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": message_id(message)},
    )
    email.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        email.attach(name, content, mimetype)
    return email
