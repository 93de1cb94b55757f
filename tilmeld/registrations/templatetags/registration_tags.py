from django import template

from tilmeld.registrations.selectors import availability as availability_for

register = template.Library()


@register.simple_tag
def availability(event):
    return availability_for(event)
