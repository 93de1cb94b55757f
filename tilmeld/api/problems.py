"""Every API error has one shape: RFC 9457 problem details, as application/problem+json, with a
translated `title` and `detail` and a machine `code` (`binding`, `full`, `closed`,
`already_registered`, `scope`, `validation` …). Nothing else answers an API request with an
error, so a client needs one parser."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    def __init__(self, status: int, code: str, detail, *, title=None, errors=None, headers=None):
        super().__init__(str(detail))
        self.status, self.code, self.detail = status, code, detail
        self.title, self.errors, self.headers = title, errors, headers or {}


TITLES = {
    400: lambda: _("Bad request"),
    401: lambda: _("Not authenticated"),
    403: lambda: _("Not allowed"),
    404: lambda: _("Not found"),
    405: lambda: _("Method not allowed"),
    409: lambda: _("Conflict"),
    413: lambda: _("Request too large"),
    415: lambda: _("Unsupported media type"),
    422: lambda: _("Invalid input"),
    429: lambda: _("Too many requests"),
}


def body(status: int, code: str, detail, *, title=None, errors=None) -> dict:
    found = {
        "type": f"urn:tilmeld:problem:{code}",
        "title": str(title or TITLES.get(status, lambda: _("Error"))()),
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    if errors:
        found["errors"] = errors
    return found


def response(problem: Problem) -> JsonResponse:
    answer = JsonResponse(
        body(
            problem.status,
            problem.code,
            problem.detail,
            title=problem.title,
            errors=problem.errors,
        ),
        status=problem.status,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in problem.headers.items():
        answer[name] = value
    return answer


# A refusal of the registration rules: 409 when the state of the event or the registration
# is in the way (asking again later may work), 422 when the request itself is wrong. Codes are
# the rule's own (registrations.rules, services), except `sold_out`, which clients know as
# `full` (no seat and no waiting list).
REGISTRATION_CONFLICTS = {
    "already_registered",
    "binding",
    "cancelled",
    "closed",
    "inactive",
    "no_offer",
    "no_sub",
    "not_confirmed",
    "not_open",
    "offer_expired",
    "offer_open",
    "option_full",
    "price_full",
    "session_full",
    "sold_out",
    "stale",
    "started",
}
RENAMED = {"sold_out": "full"}


def field_name(field: str | None) -> str | None:
    """A service's form field as the API names it: `payer_gln` → `payer.gln`, `price` →
    `price_id`, `consent` → `accepts_terms`."""
    if field is None:
        return None
    if field.startswith("payer_"):
        return "payer." + field.removeprefix("payer_")
    return {"price": "price_id", "consent": "accepts_terms"}.get(field, field)


def registration_problem(error, *, prefix: str = "") -> Problem:
    """The problem for a registrations.exceptions.RegistrationError: its code, its message as
    `detail`, and each field it names (all of a payer's) under `errors`."""
    status = 409 if error.code in REGISTRATION_CONFLICTS else 422
    found = getattr(error, "problems", None) or (
        {error.field: error.message} if error.field else {}
    )
    errors = [
        {"field": prefix + field_name(field), "message": str(message)}
        for field, message in found.items()
    ]
    return Problem(status, RENAMED.get(error.code, error.code), error.message, errors=errors)


def invoicing_problem(error) -> Problem:
    """The problem for an invoicing.exceptions.InvoicingError: a wrong amount is the request's
    fault (422); a credit note or an invoice paid already is the invoice's state (409)."""
    status = 422 if error.code == "amount" else 409
    return Problem(status, error.code, error.message)
