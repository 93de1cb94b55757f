from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from tilmeld import views
from tilmeld.api.api import api
from tilmeld.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path(".well-known/security.txt", core_views.security_txt, name="security_txt"),
    path("api/v1/", api.urls),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path(_("news/"), include("tilmeld.news.urls")),
    path(_("events/"), include("tilmeld.events.urls")),
    path("", include("tilmeld.registrations.urls")),
    path("", include("tilmeld.invoicing.urls")),
    path(_("pages/<slug:slug>/"), core_views.page_detail, name="page"),
    path(
        _("pages/<slug:slug>/version/<int:number>/"),
        core_views.page_version,
        name="page_version",
    ),
    path("admin/tilmeld/", include("tilmeld.staff.urls")),
    path("admin/two-factor/", include("tilmeld.accounts.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
