"""Tilmeld's one settings module. Everything that differs between machines is an env var."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-tilmeld-development-only")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("TILMELD_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # must precede admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "tilmeld.mail",  # before django_tasks_db: its db_worker command also recovers stuck mail
    "tilmeld.core.tasks_app.BackgroundTasksConfig",  # django_tasks_db, named for staff
    "tilmeld.core",
    "tilmeld.news",
    "tilmeld.events",
    "tilmeld.pricing",
    "tilmeld.registrations",
    "tilmeld.invoicing",
    "tilmeld.staff",
    "tilmeld.api",
    "tilmeld.webhooks",
    "ninja",  # its Swagger UI files, served from our own static files (no CDN)
    "tilmeld.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tilmeld.core.csp.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tilmeld.api.middleware.ApiLanguageMiddleware",  # Accept-Language on /api/
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tilmeld.urls"
WSGI_APPLICATION = "tilmeld.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tilmeld" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tilmeld.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters travel apart from the SQL, and a statement sent more than five times on a
    # connection is prepared: PostgreSQL parses and plans it no more (Django prepares none):
    # a third less database CPU per registration. Switch both off behind a pooler that cannot
    # keep prepared statements.
    _server_side = env.bool("DATABASE_SERVER_SIDE_BINDING", default=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=_server_side, prepare_threshold=5 if _server_side else None
    )
    # A database that accepts connections but never answers must not hold every worker for
    # gunicorn's whole timeout (30 s): connecting gives up after DATABASE_CONNECT_TIMEOUT seconds
    # (so /healthz answers 503 in time for a load balancer), and the server cancels a statement
    # after DATABASE_STATEMENT_TIMEOUT seconds, before gunicorn kills the worker. 0: no limit.
    _options = DATABASES["default"]["OPTIONS"]
    _options["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    _statement_timeout = env.int("DATABASE_STATEMENT_TIMEOUT", default=20)
    if _statement_timeout:
        _options["options"] = " ".join(
            filter(None, [_options.get("options"), f"-c statement_timeout={_statement_timeout}s"])
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tilmeld",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "tilmeld.mail.backend.OutboxTaskBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tilmeld" / "locale"]
FORMAT_MODULE_PATH = ["tilmeld.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Copenhagen"
MODELTRANSLATION_DEFAULT_LANGUAGE = "da"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("da",)

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "tilmeld" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("TILMELD_MEDIA_ROOT", default=str(BASE_DIR / "media")))
SERVE_MEDIA = env.bool("TILMELD_SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body (a form, API JSON; uploaded files apart) above 1 MB is refused: 413 on the API.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tilmeld <noreply@tilmeld.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGIN_URL = "admin:login"

# Security: strict in production, relaxed only where DEBUG needs plain HTTP.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer checks over plain HTTP: a redirect would hide both 200 and 503 from it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_secrets": {"()": "tilmeld.core.logging.HideSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["hide_secrets"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING", "filters": ["hide_secrets"]},
        "django.request": {"filters": ["hide_secrets"]},
        # One line per task is noise on the console; failures are still logged as warnings.
        "django_tasks": {"level": env.str("TASKS_LOG_LEVEL", default="WARNING")},
        "django_tasks_db": {"level": env.str("TASKS_LOG_LEVEL", default="WARNING")},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Stable Message-IDs let receiving servers drop a duplicate if a retry ever resends a mail.
MAIL_ID_DOMAIN = env.str("TILMELD_MAIL_ID_DOMAIN", default="tilmeld.local")
# A send begun longer ago than this (seconds) counts as interrupted: the worker was stopped or
# lost its database. Keep it above EMAIL_TIMEOUT. The worker looks for such mails at its start
# and every TILMELD_MAIL_SWEEP_INTERVAL seconds (`tilmeld requeue_stuck_mail` does it from cron).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=60)
MAIL_SEND_LEASE = env.float("TILMELD_MAIL_SEND_LEASE", default=300)
MAIL_SWEEP_INTERVAL = env.float("TILMELD_MAIL_SWEEP_INTERVAL", default=60)
# What the worker's sweep does at its start and every MAIL_SWEEP_INTERVAL seconds: take back the
# mail a stopped worker left, and withdraw offers of a seat whose deadline has passed (their own
# scheduled task may have died with a worker). Each is safe to run at any time, from any process.
WORKER_SWEEPS = [
    "tilmeld.mail.services.recover_stuck_mail",
    "tilmeld.registrations.services.offers.expire_due_offers",
    "tilmeld.invoicing.delivery.sweep",
    "tilmeld.invoicing.billing.sweep",
    "tilmeld.api.idempotency.sweep",
    "tilmeld.webhooks.delivering.recover_deliveries",
]
# E-invoices to public bodies: handed to this backend as OIOUBL 2.1 ("oioubl") or Peppol BIS
# Billing 3.0 ("peppol"). The folder backend writes them to <dir>/outbox for an access point.
INVOICE_DELIVERY_BACKEND = env.str(
    "TILMELD_INVOICE_DELIVERY_BACKEND", default="tilmeld.invoicing.delivery.FolderBackend"
)
INVOICE_DELIVERY_DIR = Path(
    env.str("TILMELD_INVOICE_DELIVERY_DIR", default=str(BASE_DIR / "var" / "einvoices"))
)
INVOICE_XML_FORMAT = env.str("TILMELD_INVOICE_XML_FORMAT", default="oioubl")
# The REST API's rate limits, requests a minute (tilmeld/api/throttles.py): per token, and per
# client address for the public endpoints. Counted in the cache: set REDIS_URL with more than
# one process, or each counts alone. 0 turns a limit off.
TILMELD_API_RATE_TOKEN = env.int("TILMELD_API_RATE_TOKEN", default=600)
TILMELD_API_RATE_PUBLIC = env.int("TILMELD_API_RATE_PUBLIC", default=300)
# Webhooks (tilmeld.webhooks), sent by the worker. Only to public addresses unless this allows
# private and loopback ones too (a receiver inside the network; tests): a webhook must not be a
# way into the network. A send begun longer ago than the lease (seconds; above the 10 s request
# timeout) counts as interrupted and is sent again, with the same webhook-id. Each process keeps
# the list of subscriptions for TILMELD_WEBHOOKS_CACHE_SECONDS: a subscription made or changed in
# another process takes effect within that time.
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("TILMELD_WEBHOOKS_ALLOW_PRIVATE_URLS", default=False)
WEBHOOKS_SEND_LEASE = env.float("TILMELD_WEBHOOKS_SEND_LEASE", default=60)
WEBHOOKS_CACHE_SECONDS = env.float("TILMELD_WEBHOOKS_CACHE_SECONDS", default=5)

# --- Staff two-factor login (tilmeld.accounts, django-otp) and the audit log (tilmeld.audit) ---
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tilmeld.accounts",
    "tilmeld.audit",
]
# After AuthenticationMiddleware: OTPMiddleware tells whether this session gave its code; ours
# then sends staff who owe it to the code or setup page before any admin page opens.
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",
    "tilmeld.accounts.middleware.StaffTwoFactorMiddleware",
]
# Staff who can see participants (superusers, or with registrations.view_participant) must set
# up two-factor login. Off by default so the demo runs in one step; turn it on in production.
STAFF_2FA_REQUIRED = env.bool("TILMELD_STAFF_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("TILMELD_OTP_ISSUER", default="Tilmeld")
