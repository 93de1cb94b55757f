from django.contrib import admin
from django.urls import path

from tilmeld.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", admin.site.admin_view(views.security), name="security"),
    path("verify/", admin.site.admin_view(views.verify), name="verify"),
    path("setup/", admin.site.admin_view(views.setup), name="setup"),
    path("recovery-codes/", admin.site.admin_view(views.recovery_codes), name="recovery_codes"),
    path(
        "devices/<int:device_id>/remove/",
        admin.site.admin_view(views.remove_device),
        name="remove_device",
    ),
]
