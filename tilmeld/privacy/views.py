"""The person's-data pages in the admin: look an address up, download what is held, erase it.
The address travels in POST bodies only, never in a URL (which web servers log)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tilmeld.audit import services as audit
from tilmeld.audit.enums import AuditAction
from tilmeld.privacy import people
from tilmeld.privacy.models import PersonData

LOOK_UP = "privacy.look_up_person"
ERASE = "privacy.erase_person"


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


def _context(request, **extra) -> dict:
    return {
        **admin.site.each_context(request),
        "title": _("A person's data"),
        "opts": PersonData._meta,
        "may_erase": request.user.has_perm(ERASE),
        **extra,
    }


def _audit(request, action: AuditAction, email: str, detail: str = "", count=None) -> None:
    """The audit log names the person by a keyed hash of the address, never the address."""
    target = audit.person_reference(email) + (f" {detail}" if detail else "")
    audit.record_request(request, action, target=target, count=count)


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def look_up(request):
    """The form, and with a valid address everything Tilmeld holds about it."""
    _require(request, LOOK_UP)
    form = PersonForm(request.POST if request.method == "POST" else None)
    rows = None
    if form.is_valid():
        rows = people.person_rows(form.cleaned_data["email"])
        _audit(request, AuditAction.PERSON_LOOKUP, rows.email)
    return TemplateResponse(
        request,
        "privacy/admin/person.html",
        _context(request, form=form, rows=rows, data=rows.as_data() if rows else None),
    )


@require_POST
def download(request):
    """The right of access: everything held about the address, as JSON or CSV."""
    _require(request, LOOK_UP)
    form = PersonForm(request.POST)
    if not form.is_valid():
        return look_up(request)
    rows = people.person_rows(form.cleaned_data["email"])
    csv = request.POST.get("format") == "csv"
    _audit(request, AuditAction.PERSON_DOWNLOAD, rows.email, "csv" if csv else "json")
    if csv:
        body, content_type, suffix = people.as_csv(rows), "text/csv; charset=utf-8", "csv"
    else:
        body, content_type, suffix = people.as_json(rows), "application/json", "json"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="person-data.{suffix}"'
    return response


@require_POST
def erase(request):
    """The right to erasure, in two steps: what will happen, then (confirmed) done."""
    _require(request, ERASE)
    form = PersonForm(request.POST)
    if not form.is_valid():
        return look_up(request)
    email = form.cleaned_data["email"]
    if request.POST.get("confirmed") != "yes":
        rows = people.person_rows(email)
        return TemplateResponse(
            request,
            "privacy/admin/erase_confirm.html",
            _context(
                request,
                form=form,
                rows=rows,
                data=rows.as_data(),
                kept=people.kept_invoices(rows.invoices),
            ),
        )
    result = people.erase(email)
    _audit(request, AuditAction.PERSON_ERASURE, email, count=result.total)
    return TemplateResponse(
        request, "privacy/admin/erased.html", _context(request, form=form, result=result)
    )
