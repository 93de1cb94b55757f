import datetime as dt

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def value_text(value) -> str:
    """A stored answer or history value as words: a list joined, nothing as a dash."""
    if value in (None, "", [], {}):
        return "–"
    if isinstance(value, list):
        return ", ".join("–" if v is None else str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {value_text(item)}" for key, item in value.items())
    return str(value)


@register.filter
def when(value: str | None) -> str:
    """An ISO date or time of the export, as staff read dates."""
    if not value:
        return "–"
    moment = dt.datetime.fromisoformat(value)
    if len(value) == 10:
        return formats.date_format(moment.date(), "DATE_FORMAT")
    return formats.date_format(moment, "DATETIME_FORMAT")
