from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from tilmeld.core import pagecache, security, terms
from tilmeld.core.models import Page
from tilmeld.core.site import site_settings


@pagecache.public_page
def page_detail(request, slug):
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        raise Http404
    versions = list(page.versions.only("page_id", "number", "created_at")) if page.role else []
    return render(request, "core/page.html", {"page": page, "versions": versions})


@pagecache.public_page
def page_version(request, slug, number):
    """One version of the privacy policy or the registration terms, as a person accepted it."""
    version = terms.page_version(slug, number)
    if version is None:
        raise Http404
    latest = version.page.versions.only("number").first()
    context = {"version": version, "page": version.page, "is_current": latest == version}
    return render(request, "core/page_version.html", context)


def healthz(request):
    """200 when the database answers, 503 when it does not. For load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


@require_GET
@cache_control(public=True, max_age=300)
def security_txt(request):
    """/.well-known/security.txt (RFC 9116) from the site settings; 404 without a contact."""
    text = security.security_txt(site_settings(request))
    if text is None:
        raise Http404
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
