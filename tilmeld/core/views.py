from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import render

from tilmeld.core import terms
from tilmeld.core.models import Page


def page_detail(request, slug):
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        raise Http404
    versions = list(page.versions.only("page_id", "number", "created_at")) if page.role else []
    return render(request, "core/page.html", {"page": page, "versions": versions})


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
