"""/api/v1/webhooks against its own OpenAPI schema (schemathesis): generated requests, valid
and not, through the real WSGI app. No answer may be a 5xx, and each must be documented: its
status code, content type, headers and body. (The API's own schema test, once it covers every
operation, makes this one redundant.)"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tests.factories import StaffFactory
from tilmeld.api.api import api
from tilmeld.api.enums import Scope
from tilmeld.api.problems import CONTENT_TYPE
from tilmeld.api.tokens import create_token
from tilmeld.webhooks import services


def problems_documented_as_such(raw: dict) -> dict:
    """As the API's schema will say once its hook for it is merged: every error answer is
    application/problem+json (problems.CONTENT_TYPE), which is what it sends."""
    for operations in raw["paths"].values():
        for operation in operations.values():
            for status, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    answer["content"] = {CONTENT_TYPE: content["application/json"]}
    return raw


app = get_wsgi_application()
schema = schemathesis.openapi.from_dict(problems_documented_as_such(api.get_openapi_schema()))
schema.app, schema.location = app, "/api/v1/openapi.json"  # what from_wsgi sets
webhooks = schema.include(path_regex=r"^/api/v1/webhooks")
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler's request signals would close the
    connection that holds the test's transaction (on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@webhooks.parametrize()
@EXAMPLES
def test_webhook_endpoints_conform(case):
    owner = StaffFactory(username="schema")
    services.subscribe("https://93.184.215.14/hooks", events=["invoice.paid"])
    _row, token = create_token(owner, name="schema", scopes=[Scope.WEBHOOKS_WRITE])
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
    case.call_and_validate(checks=CHECKS)  # without a token
