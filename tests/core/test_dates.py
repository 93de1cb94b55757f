import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import translation

from tilmeld.core.dates import last_moment_before, moment_text, span_text

CPH = ZoneInfo("Europe/Copenhagen")


def test_binding_from_midnight_reads_as_after_the_day_before():
    binding = dt.datetime(2016, 5, 11, 0, 0, tzinfo=CPH)

    assert last_moment_before(binding) == "10. maj 2016"
    assert moment_text(binding) == "11. maj 2016"


def test_binding_from_noon_keeps_its_time():
    binding = dt.datetime(2016, 5, 9, 12, 0, tzinfo=CPH)

    assert last_moment_before(binding) == "9. maj 2016, kl. 12.00"


def test_one_day_span_in_danish_and_english():
    start = dt.datetime(2016, 5, 23, 9, 30, tzinfo=CPH)
    end = dt.datetime(2016, 5, 23, 16, 0, tzinfo=CPH)

    danish = span_text(start, end)
    with translation.override("en"):
        english = span_text(start, end)

    assert (danish, english) == ("23. maj 2016, kl. 9.30–16.00", "23 May 2016, 9:30–16:00")
