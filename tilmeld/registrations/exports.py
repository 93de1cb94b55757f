"""Participant lists as files: pure functions returning bytes, byte streams or temporary files.

Big lists never sit in memory at once: rows come from the database in chunks, and each chunk
brings its answers and session choices in one query each."""

import csv
import io
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from operator import itemgetter

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, RowNumber
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from tilmeld.core.collation import surname_key
from tilmeld.core.dates import clock, date_text, datetime_text, local
from tilmeld.events.models import Event, Session
from tilmeld.registrations.enums import ACTIVE_STATUSES, ParticipantStatus
from tilmeld.registrations.models import Answer, Participant, Question, SessionChoice

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000
SPOOL_BYTES = 1024 * 1024  # a small workbook stays in memory, a big one goes to disk
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_TIME = "yyyy-mm-dd hh:mm"  # a time cell: sortable, and read alike in every language


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


# --- the export's table -------------------------------------------------------------------

STATUS_GROUPS = {
    "confirmed": (ParticipantStatus.CONFIRMED,),
    "waiting": (ParticipantStatus.WAITING,),
    "active": ACTIVE_STATUSES,
    "all": tuple(ParticipantStatus),
}

FIELDS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail"),
    "organisation": gettext_lazy("Organisation"),
    "job_title": gettext_lazy("Job title"),
    "phone": gettext_lazy("Phone"),
    "status": gettext_lazy("Status"),
    "waiting_position": gettext_lazy("Waiting list position"),
    "created_at": gettext_lazy("Registered"),
    "booker": gettext_lazy("Booker"),  # adds a second column, the booker's e-mail
}
PARTICIPANT_FIELDS = ("name", "email", "organisation", "job_title", "phone")
SESSIONS_BY_SLOT, SESSIONS_IN_ONE = "slots", "one"


class _DateTimes:
    """core.dates.datetime_text, remembering each day's and each time's text: formatting is most
    of an export's work, and registrations share days and minutes."""

    def __init__(self):
        self.days, self.times, self.pattern = {}, {}, None
        self.seconds = "s" in formats.get_format("TIME_FORMAT")  # else a minute's one text

    def __call__(self, value) -> str:
        value = local(value)
        day = self.days.get(value.date()) or self.days.setdefault(value.date(), date_text(value))
        key = (value.hour, value.minute, value.second if self.seconds else 0)
        time = self.times.get(key) or self.times.setdefault(key, clock(value))
        self.pattern = self.pattern or pgettext("date and time", "%(date)s, %(time)s")
        return self.pattern % {"date": day, "time": time}


def _getters(fields: list[str]) -> list:
    """One function per column, taking a participant's row (a dict from _rows_query); labels
    are looked up once, here."""
    statuses = {status.value: str(status.label) for status in ParticipantStatus}
    getters = {
        "name": itemgetter("name"),
        "email": itemgetter("email"),
        "organisation": itemgetter("organisation"),
        "job_title": itemgetter("job_title"),
        "phone": itemgetter("phone"),
        "status": lambda p: statuses[p["status"]],
        "waiting_position": lambda p: (
            p["waiting_rank"] if p["status"] == ParticipantStatus.WAITING else None
        ),
        # A time, not text: a spreadsheet sorts it, a CSV writes it out (csv_stream).
        "created_at": itemgetter("created_at"),
        "booker": itemgetter("booking__booker_name"),
    }
    chosen = [getters[key] for key in fields]
    if "booker" in fields:
        chosen.insert(fields.index("booker") + 1, itemgetter("booking__booker_email"))
    return chosen


def answer_text(value, labels: dict | None = None, yes_no: tuple[str, str] | None = None) -> str:
    """Several choices joined, yes/no in words, text as given. `labels` name the choices in
    the reader's language (Question.choice_options); `yes_no` are the words, looked up once
    by a caller writing many rows."""
    labels = labels or {}
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(value, bool):
        yes, no = yes_no or (_("Yes"), _("No"))
        return yes if value else no
    return "" if value is None else str(labels.get(value, value))


@dataclass
class ParticipantTable:
    """A header and the rows, produced chunk by chunk while a file is written."""

    header: list[str]
    chunks: Iterator[list[list]]


@dataclass
class _Chunk:
    answers: dict = field(default_factory=dict)  # (participant id, question id) -> value
    sessions: dict = field(default_factory=lambda: defaultdict(list))  # participant id -> ids


def _rows_query(event: Event, statuses, fields: list[str]):
    order = Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(ParticipantStatus)),
        output_field=IntegerField(),
    )
    rows = Participant.objects.filter(event=event, status__in=statuses).order_by()
    if "waiting_position" in fields:
        # The place in the queue as people read it (1, 2, 3), not the stored sequence number;
        # the filter keeps all waiting participants or none, so the numbering is the real one.
        rows = rows.annotate(
            waiting_rank=Window(
                RowNumber(),
                partition_by=[F("status")],
                order_by=[F("waiting_position").asc(), F("id").asc()],
            )
        )
    # Plain rows, not model instances: building 50,000 of those was most of an export's time.
    needed = ["id", "status", "created_at"]
    needed += [key for key in fields if key in PARTICIPANT_FIELDS]
    if "waiting_position" in fields:
        needed.append("waiting_rank")
    if "booker" in fields:
        needed += ["booking__booker_name", "booking__booker_email"]
    return rows.order_by(order, "waiting_position", "created_at", "id").values(*needed)


def _batches(iterable, size: int):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _of_participants(rows, ids: list[int]):
    """`participant_id IN (…)`, sent on PostgreSQL as one array parameter: 2,000 parameters
    cost more to compose, send and parse than the query takes to run, every chunk again."""
    if connection.vendor != "postgresql":
        return rows.filter(participant_id__in=ids)
    column = f"{connection.ops.quote_name(rows.model._meta.db_table)}.participant_id"
    # The SQL is ours; the ids travel as a parameter.
    condition = RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField())  # noqa: S611
    return rows.filter(condition)


def _chunk_data(ids: list[int], question_ids: list[int], with_sessions: bool) -> _Chunk:
    chunk = _Chunk()
    if question_ids:
        answers = _of_participants(Answer.objects.filter(question_id__in=question_ids), ids)
        # The answers as JSON text, each distinct one decoded once per chunk: most repeat
        # ("Vegetar", yes, no), and decoding every one of them was a fifth of an export's time.
        decoded = {}
        for participant_id, question_id, raw in answers.annotate(
            raw=Cast("value", TextField())
        ).values_list("participant_id", "question_id", "raw"):
            if raw not in decoded:
                decoded[raw] = json.loads(raw)
            chunk.answers[participant_id, question_id] = decoded[raw]
    if with_sessions:
        choices = _of_participants(SessionChoice.objects.all(), ids).order_by("id")
        for participant_id, session_id in choices.values_list("participant_id", "session_id"):
            chunk.sessions[participant_id].append(session_id)
    return chunk


def participant_table(
    event: Event,
    *,
    which: str,
    fields: list[str],
    questions: list[Question],
    sessions: str = "",
    slots: list[list[Session]] = (),
) -> ParticipantTable:
    """The event's participants of one status group (STATUS_GROUPS) with the chosen columns, in
    the order confirmed, waiting list (by position), cancelled, handed over. `slots` are the
    event's parallel sessions (services.sessions.choice_slots); `sessions` is SESSIONS_BY_SLOT
    (a column per slot), SESSIONS_IN_ONE (one column) or empty. Runs one query for the rows and
    two per CHUNK_SIZE participants, whatever the list's length."""
    fields = [key for key in FIELDS if key in fields]
    header = [str(FIELDS[key]) for key in fields]
    if "booker" in fields:
        header.insert(fields.index("booker") + 1, _("Booker's e-mail"))
    header += [q.text for q in questions]
    getters = _getters(fields)
    titles = {s.pk: s.title for slot in slots for s in slot}
    slot_of = {s.pk: index for index, slot in enumerate(slots) for s in slot}
    if sessions == SESSIONS_BY_SLOT:
        several_days = event.starts_at.date() != event.ends_at.date()
        when = datetime_text if several_days else clock
        header += [_("Session %(time)s") % {"time": when(slot[0].starts_at)} for slot in slots]
    elif sessions == SESSIONS_IN_ONE:
        header.append(_("Sessions"))
    question_ids = [q.pk for q in questions]
    labels = {q.pk: dict(q.choice_options) if q.choice_list else {} for q in questions}
    language = translation.get_language()
    yes_no = (_("Yes"), _("No"))

    def row(p: dict, chunk: _Chunk) -> list:
        person = p["id"]
        cells = [get(p) for get in getters]
        cells += [
            answer_text(chunk.answers.get((person, qid)), labels[qid], yes_no)
            for qid in question_ids
        ]
        chosen = [pk for pk in chunk.sessions.get(person, ()) if pk in titles]
        if sessions == SESSIONS_BY_SLOT:
            per_slot = [[] for _slot in slots]
            for pk in chosen:
                per_slot[slot_of[pk]].append(titles[pk])
            cells += [", ".join(names) for names in per_slot]
        elif sessions == SESSIONS_IN_ONE:
            cells.append(", ".join(titles[pk] for pk in chosen))
        return cells

    def chunks():
        query = _rows_query(event, STATUS_GROUPS[which], fields)
        for batch in _batches(query.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
            chunk = _chunk_data([p["id"] for p in batch], question_ids, bool(sessions and slots))
            # A response is streamed after the view returns: keep the staff member's language.
            with translation.override(language):
                yield [row(p, chunk) for p in batch]

    return ParticipantTable(header=header, chunks=chunks())


# --- files ----------------------------------------------------------------------------------


def csv_stream(table: ParticipantTable) -> Iterator[bytes]:
    """UTF-8 with a BOM and semicolons, as Danish Excel opens it; one piece per chunk. Times
    are written as people write them ("10. marts 2025, kl. 9.05")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    when = _DateTimes()
    buffer.write("\ufeff")
    writer.writerow([safe_cell(text) for text in table.header])
    yield buffer.getvalue().encode("utf-8")
    for rows in table.chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(
            [safe_cell(when(value) if isinstance(value, datetime) else value) for value in row]
            for row in rows
        )
        yield buffer.getvalue().encode("utf-8")


def _xlsx_value(value, sheet=None):
    """Text stays text: a cell openpyxl would read as a formula (it starts with "=") is written
    as an explicit string cell, so nothing runs and a phone number "+45 …" shows as typed,
    without the apostrophe a CSV needs."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, datetime):  # the wall-clock time in Copenhagen; Excel has no zones
        cell = WriteOnlyCell(sheet, value=local(value).replace(tzinfo=None))
        cell.number_format = XLSX_TIME
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # XML cannot hold these characters
    if text.startswith("=") and sheet is not None:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def xlsx_file(table: ParticipantTable, *, sheet_title: str):
    """A workbook in a temporary file, positioned at its start. openpyxl's write-only mode puts
    each row into a file as it comes, so memory does not grow with the list."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", sheet_title)[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in table.header:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(text)))
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for rows in table.chunks:
        for row in rows:
            sheet.append([_xlsx_value(value, sheet) for value in row])
    # The response closes the file once it is sent, so no `with` here.
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


# --- the door list --------------------------------------------------------------------------


def door_list(event: Event) -> list[Participant]:
    """The confirmed participants by surname, for signing in at the door."""
    people = Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED).only(
        "name", "organisation"
    )
    return sorted(people, key=lambda p: (*surname_key(p.name), p.pk))
