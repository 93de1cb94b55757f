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
