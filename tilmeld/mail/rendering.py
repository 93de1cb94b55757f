"""Building an e-mail from templates: `<name>_subject.txt`, `<name>.txt` and `<name>.html`."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from tilmeld.mail.models import OutboxMessage


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
        headers={"Message-ID": f"<outbox-{message.pk}@{settings.MAIL_ID_DOMAIN}>"},
    )
    email.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        email.attach(name, content, mimetype)
    return email
