"""Dates and times as people write them.

Danish "23. maj 2016, kl. 9.30–16.00"; English "23 May 2016, 9:30–16:00"."""

from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import pgettext


def local(value: datetime) -> datetime:
    return timezone.localtime(value)


def date_text(value: datetime) -> str:
    return formats.date_format(local(value), "DATE_FORMAT")


def clock(value: datetime) -> str:
    """ "kl. 9.30" in Danish, "9:30" in English."""
    time = formats.time_format(local(value), "TIME_FORMAT")
    return pgettext("clock time", "%(time)s") % {"time": time}


def datetime_text(value: datetime) -> str:
    return pgettext("date and time", "%(date)s, %(time)s") % {
        "date": date_text(value),
        "time": clock(value),
    }


def span_text(start: datetime, end: datetime | None) -> str:
    """One day: "23. maj 2016, kl. 9.30–16.00". Several days: both ends in full."""
    if end is None:
        return datetime_text(start)
    start, end = local(start), local(end)
    if start.date() == end.date():
        times = pgettext("clock time span", "%(start)s–%(end)s") % {
            "start": formats.time_format(start, "TIME_FORMAT"),
            "end": formats.time_format(end, "TIME_FORMAT"),
        }
        return pgettext("date and time", "%(date)s, %(time)s") % {
            "date": date_text(start),
            "time": times,
        }
    return f"{datetime_text(start)} – {datetime_text(end)}"


def time_span_text(start: datetime, end: datetime) -> str:
    """ "kl. 9.30–10.15" / "9:30–10:15": for a timetable whose date is already given."""
    return pgettext("clock time span", "%(start)s–%(end)s") % {
        "start": formats.time_format(local(start), "TIME_FORMAT"),
        "end": formats.time_format(local(end), "TIME_FORMAT"),
    }


def is_midnight(value: datetime) -> bool:
    moment = local(value)
    return (moment.hour, moment.minute) == (0, 0)


def moment_text(value: datetime) -> str:
    """ "11. maj 2016" for midnight, else with the time: "11. maj 2016, kl. 12.00"."""
    return date_text(value) if is_midnight(value) else datetime_text(value)


def last_moment_before(value: datetime) -> str:
    """The last moment before `value`, as people say it: binding from midnight on 11 May is
    "binding after 10 May"; from noon, "after 11 May, 12.00"."""
    if is_midnight(value):
        return date_text(value - timedelta(days=1))
    return datetime_text(value)
