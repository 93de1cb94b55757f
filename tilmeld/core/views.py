from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import render

from tilmeld.core.models import Page


def page_detail(request, slug):
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        raise Http404
    return render(request, "core/page.html", {"page": page})


def healthz(request):
    """200 when the database answers, 503 when it does not. For load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})
