"""Test settings: only what tests must change."""

import tempfile
from pathlib import Path

from tilmeld.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = "tests-only-secret-key-that-is-long-enough-to-keep-django-quiet-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="tilmeld-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SILENCED_SYSTEM_CHECKS = ["security.W004"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Rate limits count in memory here (tests/core/test_ratelimits_processes.py runs them on the
# database's table and on Redis), so the query counts of the pages stay their own.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
INVOICE_DELIVERY_DIR = Path(tempfile.mkdtemp(prefix="tilmeld-test-einvoices-"))
