from django import template
from django.utils.translation import gettext as _

from tilmeld.core import dates
from tilmeld.registrations.selectors import availability as availability_for
from tilmeld.registrations.selectors import session_seats_left

register = template.Library()


@register.simple_tag
def availability(event):
    return availability_for(event)


@register.simple_tag
def session_seats(event):
    """Free seats per session with a seat limit: {session id: seats left}."""
    return session_seats_left(event)


@register.simple_tag
def binding_sentence(event):
    """The one wording of the binding date, on every page and in the programme. It names the
    last day of free cancellation in both tenses: binding from midnight 4 December reads
    "binding after 3 December" before and after, as Event.is_binding() turns at that midnight."""
    if event.binding_at is None:
        return ""
    last_free = dates.last_moment_before(event.binding_at)
    if event.is_binding():
        return _("Registration became binding after %(date)s.") % {"date": last_free}
    return _("Registration is binding after %(date)s.") % {"date": last_free}
