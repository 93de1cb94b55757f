"""The Content-Security-Policy header, built once, is the one django-csp builds."""

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from tilmeld.core.csp import CSPMiddleware

pytestmark = pytest.mark.django_db


def test_every_page_gets_the_library_header(client, site):
    expected = build_policy()

    first = client.get("/")
    again = client.get("/")

    assert "default-src 'self'" in expected
    assert first["Content-Security-Policy"] == again["Content-Security-Policy"] == expected
    assert "Content-Security-Policy-Report-Only" not in first


def test_a_changed_setting_changes_the_header(client, site, settings):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert client.get("/")["Content-Security-Policy"] == "default-src 'none'"


def test_a_view_with_its_own_policy_keeps_it():
    @csp_update({"img-src": "https://example.org"})
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    middleware = CSPMiddleware(view)
    response = middleware(request)

    assert "img-src 'self' data: https://example.org" in response["Content-Security-Policy"]


def test_a_nonce_asked_for_goes_into_the_header(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}

    def view(request):
        return HttpResponse(str(request.csp_nonce))

    response = CSPMiddleware(view)(RequestFactory().get("/"))

    nonce = response.content.decode()
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
