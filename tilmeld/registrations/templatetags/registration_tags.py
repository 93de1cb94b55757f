from django import template

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
