"""The problems an endpoint may answer with, for its `response={…}`: every status it can send
is in the OpenAPI schema, so a client (and schemathesis) can rely on it."""

from tilmeld.api.schemas import ProblemOut


def problems(*statuses: int) -> dict:
    return dict.fromkeys(statuses, ProblemOut)
