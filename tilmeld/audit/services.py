"""Writing the audit log of staff access to personal data."""

import hashlib
import hmac

from django.conf import settings

from tilmeld.audit.enums import AuditAction
from tilmeld.audit.models import AuditEntry


def person_reference(email: str) -> str:
    """A stable reference to an e-mail address that does not reveal it: staff who know the
    address can find its entries (the admin's search hashes what is typed), while the log
    itself keeps no address after the person is erased."""
    key = hashlib.sha256(b"tilmeld.audit:" + settings.SECRET_KEY.encode()).digest()
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
    return f"person:{digest[:20]}"


def record(
    user,
    action: AuditAction,
    *,
    event=None,
    target: str = "",
    count: int | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Notes that `user` did `action` (on `event`, for `count` people). `target` says what was
    opened, e.g. an export's format or person_reference(email), never personal data."""
    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None else "",
        action=action,
        event=event,
        target=target[:200],
        count=count,
        ip_address=ip_address or None,
    )


def record_request(request, action: AuditAction, **details) -> AuditEntry:
    """record() for a view: the user and the address the request came from."""
    return record(request.user, action, ip_address=request.META.get("REMOTE_ADDR"), **details)
