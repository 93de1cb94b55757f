import json

import pytest
from django.test import Client

from tests.factories import StaffFactory
from tilmeld.api.enums import Scope
from tilmeld.api.tokens import create_token


@pytest.fixture
def staff(db):
    return StaffFactory(username="crm-owner")


@pytest.fixture
def auth(staff):
    """Headers with a new token of `owner` (the staff superuser) with `scopes` (all by
    default)."""

    def make(*scopes, owner=None, language="en"):
        _row, token = create_token(owner or staff, name="CRM", scopes=scopes or Scope.values)
        return {"Authorization": f"Bearer {token}", "Accept-Language": language}

    return make


@pytest.fixture
def api():
    return Api(Client())


class Api:
    """The test client speaking JSON to /api/v1/."""

    def __init__(self, client):
        self.client = client

    def get(self, path, headers=None, **params):
        return self.client.get("/api/v1" + path, params, headers=headers or {})

    def post(self, path, data=None, headers=None):
        body = data if isinstance(data, (bytes, str)) else json.dumps(data or {})
        return self.client.post(
            "/api/v1" + path, body, content_type="application/json", headers=headers or {}
        )

    def patch(self, path, data, headers=None):
        return self.client.patch(
            "/api/v1" + path, json.dumps(data), content_type="application/json", headers=headers
        )


def problem(status, code, detail, title, errors=None):
    body = {
        "type": f"urn:tilmeld:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return body
