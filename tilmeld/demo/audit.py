"""The audit log of the 2016 conference: what staff opened, exported and sent before the day."""

import datetime as dt

from tilmeld.audit.enums import AuditAction
from tilmeld.audit.models import AuditEntry
from tilmeld.audit.services import record


def past_access(conference, staff) -> None:
    if AuditEntry.objects.filter(event=conference).exists():
        return
    confirmed = conference.participants.filter(status="confirmed").count()
    steps = [
        (dt.timedelta(days=-8), AuditAction.PARTICIPANT_LIST, "", confirmed),
        (dt.timedelta(days=-7), AuditAction.MESSAGE, "Praktisk information", confirmed),
        (dt.timedelta(days=-1), AuditAction.EXPORT, "xlsx", None),
        (dt.timedelta(days=-1, minutes=5), AuditAction.EXPORT, "door list", confirmed),
        (dt.timedelta(hours=1), AuditAction.CHECKIN_SEARCH, "", 1),
    ]
    for offset, action, target, count in steps:
        entry = record(
            staff, action, event=conference, target=target, count=count, ip_address="127.0.0.1"
        )
        AuditEntry.objects.filter(pk=entry.pk).update(at=conference.starts_at + offset)
