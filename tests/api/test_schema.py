"""The API against its own OpenAPI schema (schemathesis): generated requests, valid and not,
to every operation, through the real WSGI app. No answer may be a 5xx, and each must be
documented: its status code, content type, headers and body."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.api.enums import Scope
from tilmeld.api.tokens import create_token

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
public = schema.include(path_regex=r"^/api/v1/events(/\{slug\})?$")
# Not positive_data_acceptance: a request the schema allows may still break a rule (an empty
# name, an event that is full), and the answer to that is a documented 409 or 422.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
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


@pytest.fixture
def data(site, settings):
    settings.TILMELD_API_RATE_TOKEN = settings.TILMELD_API_RATE_PUBLIC = 0
    event = EventFactory(slug="moede", capacity=1)
    register_people(event, "Anna")
    register_people(event, "Bo")
    return event


@pytest.mark.django_db
@public.parametrize()
@EXAMPLES
def test_public_endpoints_conform(data, case):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_every_endpoint_conforms_with_a_token(data, case):
    _row, token = create_token(StaffFactory(username="schema"), name="schema", scopes=Scope.values)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
