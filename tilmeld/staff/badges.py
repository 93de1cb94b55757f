"""Staff tools: name badges as A4 label sheets (PDF), each with the participant's check-in code.

A badge shows the name, organisation, event title and a QR code of the check-in code, nothing
else: no e-mail, no manage link. Names are shrunk to fit before WeasyPrint sees them, because CSS
cannot fit text to a box; wrapping and a clipped box are the backstop for the rest."""

import math
from dataclasses import dataclass

import segno
from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tilmeld.audit.enums import AuditAction
from tilmeld.audit.services import record_request
from tilmeld.events.models import Event
from tilmeld.registrations.services import checkin as service
from tilmeld.staff.access import admin_context, event_or_404, staff_view


@dataclass(frozen=True)
class Layout:
    columns: int
    rows: int
    width_mm: float
    height_mm: float
    padding_mm: float
    qr_mm: float
    name_sizes: tuple[float, ...]  # points, largest first
    organisation_sizes: tuple[float, ...]

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - 2 * self.padding_mm


LAYOUTS = {
    # 2 × 4 labels of 105 × 74 mm (e.g. Avery L7169 size): room for a large name.
    "2x4": Layout(2, 4, 105, 74, 7, 24, (26, 22, 19, 16, 13.5, 11.5), (13, 11.5, 10, 9)),
    # 2 × 5 labels of 105 × 57 mm (e.g. Avery L7165 size).
    "2x5": Layout(2, 5, 105, 57, 5.5, 20, (22, 19, 16, 13.5, 11.5, 10), (12, 10.5, 9, 8)),
}
LAYOUT_CHOICES = [
    ("2x4", gettext_lazy("8 per sheet (105 × 74 mm)")),
    ("2x5", gettext_lazy("10 per sheet (105 × 57 mm)")),
]
# Average advance of a bold sans-serif letter in em; on the generous side, so text fits.
EM_PER_CHARACTER = 0.56
POINT_MM = 25.4 / 72


def fitting_size(text: str, sizes, *, width_mm: float, max_lines: int) -> float:
    """The largest font size at which the longest word fits on a line and the whole text on
    max_lines lines; the smallest size if none does (the template then wraps anywhere)."""
    words = text.split() or [""]
    for size in sizes:
        per_line = width_mm / (size * EM_PER_CHARACTER * POINT_MM)
        longest = max(len(word) for word in words)
        if longest <= per_line and math.ceil(len(text) / per_line) <= max_lines:
            return size
    return sizes[-1]


def qr_data_uri(code: str) -> str:
    return segno.make_qr(code, error="m").svg_data_uri(border=0, dark="#000")


def badge_html(event: Event, participants, *, layout: str = "2x4", language: str = "da") -> str:
    shape = LAYOUTS[layout]
    badges = []
    for participant in participants:
        name_width = shape.text_width_mm
        organisation_width = shape.text_width_mm - shape.qr_mm - 3
        badges.append(
            {
                "name": participant.name,
                "organisation": participant.organisation,
                "name_pt": fitting_size(
                    participant.name, shape.name_sizes, width_mm=name_width, max_lines=2
                ),
                "organisation_pt": fitting_size(
                    participant.organisation,
                    shape.organisation_sizes,
                    width_mm=organisation_width,
                    max_lines=2,
                ),
                "qr": qr_data_uri(service.checkin_code(participant)),
            }
        )
    pages = [badges[i : i + shape.per_page] for i in range(0, len(badges), shape.per_page)]
    context = {"event": event, "pages": pages, "layout": shape, "language": language}
    return render_to_string("staff/badges/sheet.html", context)


def badges_pdf(event: Event, participants, *, layout: str = "2x4", language: str = "da") -> bytes:
    from weasyprint import HTML

    html = badge_html(event, participants, layout=layout, language=language)
    return HTML(string=html).write_pdf()


class BadgeFilterForm(forms.Form):
    participant = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    since = forms.DateTimeField(
        label=gettext_lazy("Only those registered since"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Leave empty to print every confirmed participant."),
    )
    layout = forms.ChoiceField(
        label=gettext_lazy("Label sheet"), choices=LAYOUT_CHOICES, required=False
    )


def badges(request, event_id):
    event = event_or_404(event_id)
    form = BadgeFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.cleaned_data if form.is_bound and valid else {}
    participants = list(
        service.badge_participants(
            event, participant_id=filters.get("participant"), since=filters.get("since")
        )
        if valid
        else []
    )
    if not participants:
        context = admin_context(
            request, title=_("Badges: %(title)s") % {"title": event.title}, event=event, form=form
        )
        return render(request, "staff/badges/none.html", context, status=200 if valid else 400)
    record_request(
        request, AuditAction.EXPORT, event=event, target="badges", count=len(participants)
    )
    pdf = badges_pdf(
        event, participants, layout=filters.get("layout") or "2x4", language=get_language()
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-badges.pdf"'
    return response


urlpatterns = [
    path("events/<int:event_id>/badges.pdf", staff_view(require_GET(badges)), name="badges"),
]
