"""Participant lists as files: pure functions returning bytes."""

import csv
import io

from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A spreadsheet never runs a participant's text as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def participants_csv(participants) -> bytes:
    """Participants with their sessions; expects session_choices__session prefetched."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [_("Name"), _("E-mail"), _("Organisation"), _("Job title"), _("Status"), _("Sessions")]
    )
    for p in participants:
        sessions = ", ".join(c.session.title for c in p.session_choices.all())
        row = [p.name, p.email, p.organisation, p.job_title, p.get_status_display(), sessions]
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
