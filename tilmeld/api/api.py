"""The REST API at /api/v1/: one NinjaAPI, its routers, and the handlers that turn every error
into problem details (problems.py). OpenAPI at /api/v1/openapi.json, interactive docs at
/api/v1/docs from the site's own static files (django-ninja's bundled Swagger UI)."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from tilmeld.api.parser import StrictJSON
from tilmeld.api.problems import CONTENT_TYPE, Problem, response
from tilmeld.api.routers import (
    events,
    invoices,
    news,
    participants,
    registrations,
    webhooks,
)
from tilmeld.api.throttles import RateLimit


class TilmeldAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Errors are documented as what they are: application/problem+json."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {CONTENT_TYPE: content["application/json"]}
        return schema


api = TilmeldAPI(
    title="Tilmeld API",
    version="1",
    description=(
        "Events, registrations, invoices and webhooks of a Tilmeld site. Errors are RFC 9457"
        " problem details with a machine `code`. Endpoints marked with a lock need"
        " `Authorization: Bearer <token>` with the scope they name."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=StrictJSON(),
    throttle=[RateLimit()],
)
api.add_router("/events", events.router)
api.add_router("/events", registrations.router)
api.add_router("/participants", participants.router)
api.add_router("/invoices", invoices.router)
api.add_router("/webhooks", webhooks.router)
api.add_router("/news", news.router)


@api.exception_handler(Problem)
def _problem(request, error: Problem):
    return response(error)


@api.exception_handler(NinjaValidationError)
def _invalid(request, error: NinjaValidationError):
    errors = [
        {
            "field": ".".join(str(part) for part in item.get("loc", ())[1:]) or None,
            "message": item.get("msg", ""),
        }
        for item in error.errors
    ]
    return response(Problem(422, "validation", _("The request is not valid."), errors=errors))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, error):
    detail = _("A valid API token is needed: Authorization: Bearer <token>.")
    return response(Problem(401, "unauthenticated", detail, headers={"WWW-Authenticate": "Bearer"}))


@api.exception_handler(Http404)
def _not_found(request, error):
    return response(Problem(404, "not_found", _("There is nothing here.")))


@api.exception_handler(PermissionDenied)
def _forbidden(request, error):
    return response(Problem(403, "forbidden", _("You may not do this.")))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, error):
    return response(Problem(413, "too_large", _("The request body is larger than 1 MB.")))


@api.exception_handler(Throttled)
def _throttled(request, error: Throttled):
    seconds = str(getattr(request, "api_retry_after", 60))
    detail = _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": seconds}
    return response(Problem(429, "rate_limited", detail, headers={"Retry-After": seconds}))


@api.exception_handler(HttpError)
def _http_error(request, error: HttpError):
    if error.status_code == 400 and str(error).startswith("Cannot parse request body"):
        detail = _("The request body is not valid JSON in UTF-8.")
        return response(Problem(400, "invalid_json", detail))
    code = {400: "bad_request", 405: "method", 415: "media_type"}.get(error.status_code, "error")
    return response(Problem(error.status_code, code, str(error)))
