"""Staff tools: the participant export (CSV or XLSX) and the door list (PDF)."""

import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from tilmeld.audit.enums import AuditAction
from tilmeld.audit.services import record_request
from tilmeld.events.models import Event
from tilmeld.registrations import exports
from tilmeld.registrations.selectors import event_questions
from tilmeld.registrations.services.sessions import choice_slots
from tilmeld.staff.access import admin_context, event_or_404, staff_view

FORMATS = [
    ("xlsx", gettext_lazy("Excel workbook (XLSX)")),
    ("csv", gettext_lazy("CSV with semicolons (Danish Excel)")),
]
WHICH = [
    ("confirmed", pgettext_lazy("participants to export", "Confirmed")),
    ("waiting", pgettext_lazy("participants to export", "Waiting list")),
    ("active", pgettext_lazy("participants to export", "Confirmed and waiting list")),
    ("all", pgettext_lazy("participants to export", "All, also cancelled and handed over")),
]
FIELD_CHOICES = [
    ("name", gettext_lazy("Name")),
    ("email", gettext_lazy("E-mail")),
    ("organisation", gettext_lazy("Organisation")),
    ("job_title", gettext_lazy("Job title")),
    ("phone", gettext_lazy("Phone")),
    ("status", gettext_lazy("Status")),
    ("waiting_position", gettext_lazy("Waiting list position")),
    ("created_at", gettext_lazy("Registered (date and time)")),
    ("booker", gettext_lazy("Booker (name and e-mail)")),
]
DEFAULT_FIELDS = ["name", "email", "organisation", "job_title", "status", "created_at"]
SESSION_CHOICES = [
    (exports.SESSIONS_BY_SLOT, gettext_lazy("One column per time slot")),
    (exports.SESSIONS_IN_ONE, gettext_lazy("All in one column")),
    ("", gettext_lazy("Leave out")),
]


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=FORMATS, initial="xlsx", widget=forms.RadioSelect
    )
    which = forms.ChoiceField(
        label=gettext_lazy("Participants"),
        choices=WHICH,
        initial="confirmed",
        widget=forms.RadioSelect,
    )
    columns = forms.MultipleChoiceField(
        label=gettext_lazy("Columns"),
        choices=FIELD_CHOICES,
        initial=DEFAULT_FIELDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    questions = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Answers to the questions"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sessions = forms.ChoiceField(
        label=gettext_lazy("Session choices"),
        choices=SESSION_CHOICES,
        initial=exports.SESSIONS_BY_SLOT,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, questions, has_slots: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_list = questions
        sensitive = _("diet or health")
        self.fields["questions"].choices = [
            (q.pk, f"{q.text} ({sensitive})" if q.sensitive else q.text) for q in questions
        ]
        # Health data leaves the system only when someone asks for it.
        self.fields["questions"].initial = [q.pk for q in questions if not q.sensitive]
        if not questions:
            del self.fields["questions"]
        if not has_slots:
            del self.fields["sessions"]

    def clean(self):
        data = super().clean()
        if not (data.get("columns") or data.get("questions") or data.get("sessions")):
            self.add_error("columns", _("Choose at least one column."))
        return data

    def chosen_questions(self):
        chosen = set(self.cleaned_data.get("questions") or ())
        return [q for q in self.question_list if q.pk in chosen]


def _check_permission(request) -> None:
    """Staff who may not see participants in the admin may not take them home either."""
    if not request.user.has_perm("registrations.view_participant"):
        raise PermissionDenied


def export_view(request, event_id: int):
    """GET shows the form; the form sent (by GET or POST) downloads the file."""
    _check_permission(request)
    event = event_or_404(event_id)
    slots = choice_slots(event)
    data = request.POST if request.method == "POST" else request.GET
    bound = request.method == "POST" or "format" in request.GET
    form = ExportForm(
        data if bound else None, questions=event_questions(event), has_slots=bool(slots)
    )
    if bound and form.is_valid():
        table = exports.participant_table(
            event,
            which=form.cleaned_data["which"],
            fields=form.cleaned_data["columns"],
            questions=form.chosen_questions(),
            sessions=form.cleaned_data.get("sessions", ""),
            slots=slots,
        )
        record_request(request, AuditAction.EXPORT, event=event, target=form.cleaned_data["format"])
        return _download(table, event, form.cleaned_data["format"])
    context = admin_context(request, title=_("Export participants"), event=event, form=form)
    return TemplateResponse(request, "staff/exports/export_form.html", context)


def _download(table, event: Event, file_format: str):
    # Translators: the start of an export's file name, lower case without spaces.
    stem = pgettext("file name", "participants")
    filename = f"{stem}-{event.slug}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(
            exports.csv_stream(table), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    workbook = exports.xlsx_file(table, sheet_title=_("Participants"))
    return FileResponse(
        workbook, as_attachment=True, filename=filename, content_type=exports.XLSX_TYPE
    )


# --- the door list --------------------------------------------------------------------------


def _css_string(text: str) -> str:
    return '"' + re.sub(r'(["\\])', r"\\\1", text).replace("<", "").replace("\n", " ") + '"'


def page_counter_css() -> str:
    """ "Side 2 af 5" as a CSS `content` value: the words translated, the numbers counted."""
    parts = re.split(r"(%\(pages?\)s)", _("Page %(page)s of %(pages)s"))
    return " ".join(
        f"counter({part[2:-2]})" if part.startswith("%(") else _css_string(part)
        for part in parts
        if part
    )


def no_fetching():
    """The door list needs nothing from outside, so nothing in it may make WeasyPrint read a
    file or call a server: every scheme is refused."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=())


def door_list_pdf(event: Event, participants, *, language: str) -> bytes:
    from weasyprint import HTML

    context = {
        "event": event,
        "participants": participants,
        "language": language,
        "page_counter": page_counter_css(),
        "printed_at": timezone.now(),
    }
    html = render_to_string("staff/exports/door_list.html", context)
    return HTML(string=html, url_fetcher=no_fetching()).write_pdf()


def door_list_view(request, event_id: int):
    _check_permission(request)
    event = event_or_404(event_id)
    participants = list(exports.door_list(event))
    pdf = door_list_pdf(event, participants, language=get_language())
    record_request(
        request, AuditAction.EXPORT, event=event, target="door list", count=len(participants)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    # Translators: the start of the door list's file name, lower case without spaces.
    stem = pgettext("file name", "door-list")
    response["Content-Disposition"] = content_disposition_header(False, f"{stem}-{event.slug}.pdf")
    return response


urlpatterns = [
    path("events/<int:event_id>/export/", staff_view(export_view), name="export"),
    path("events/<int:event_id>/door-list/", staff_view(door_list_view), name="door_list"),
]
