"""Tilmeld's one settings module. Everything that differs between machines is an env var."""

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

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
    "tilmeld.privacy",  # on top of registrations, invoicing and mail: retention, a person's data
    "ninja",  # its Swagger UI files, served from our own static files (no CDN)
    "tilmeld.demo",
    "axes",  # the admin login's lockout (AXES_* below)
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
    "axes.middleware.AxesMiddleware",  # turns a locked-out login into the lockout page
    "django_ratelimit.middleware.RatelimitMiddleware",  # a view's ratelimits.Refused: 429
    "tilmeld.core.ratelimits.KnownLinksMiddleware",  # links opened here pass a rate limit
]

# The lockout backend comes first: it refuses a locked-out username+address before any password
# is checked, so even the right password does not log in until the cool-off has passed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
# --- Several app hosts: database connections ---
# Every app process keeps its own connection (DATABASE_CONN_MAX_AGE) by default. Two ways to bound
# what many hosts and workers open on PostgreSQL (docs: deploy/README.md):
# - DATABASE_POOL=1 (recommended; nothing more to run): Django's psycopg pool in each process,
#   DATABASE_POOL_MIN_SIZE..DATABASE_POOL_MAX_SIZE connections, a request waiting at most
#   DATABASE_POOL_TIMEOUT seconds for one. Persistent connections are off (the pool keeps them);
#   prepared statements and the statement timeout work as without it. PostgreSQL's
#   max_connections must exceed hosts x processes x DATABASE_POOL_MAX_SIZE (+ the workers).
# - DATABASE_PGBOUNCER=1, for PgBouncer in transaction mode: a connection serves one transaction
#   at a time, so no server-side cursors, no server-side binding or prepared statements (PgBouncer
#   1.21+ with max_prepared_statements could keep them), and no `options` startup parameter
#   (so no statement timeout from here: `ALTER ROLE tilmeld SET statement_timeout = '20s'`).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env.bool("DATABASE_POOL", default=False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses a pool with persistent ones
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10),
        }
    if env.bool("DATABASE_PGBOUNCER", default=False):
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["OPTIONS"].update(server_side_binding=False, prepare_threshold=None)
        DATABASES["default"]["OPTIONS"].pop("options", None)
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
# Rate limits and login failures are counted where every app process sees the same count:
# Redis when configured, else a table in the database (made by core's migrations; on its own:
# `tilmeld createcachetable`). Redis counts atomically; the table may miss a count when two
# requests land at the same instant, which is fine for a limit. tilmeld/core/ratelimits.py.
CACHES["ratelimit"] = (
    {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "tilmeld-limits",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tilmeld_ratelimit_cache",
        # The table's incr() stores the count anew with this timeout: a day outlasts every
        # window (each window has a key of its own, so a count never outlives it in effect).
        "TIMEOUT": 86_400,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
)

# --- Several app hosts: sessions ---
# With REDIS_URL, sessions are read from the shared cache and written through to the database
# (a restarted Redis loses no login); without it, from the database. Either way every host sees
# every session.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

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
# Uploaded files (logos, images, speaker photos, programme PDFs) and generated ones (the cached
# programme PDFs) are read and written only through STORAGES["default"], never by a path, so an
# app host keeps nothing on its disk that another host needs. By default a local folder
# (TILMELD_MEDIA_ROOT); with TILMELD_S3_BUCKET set, an S3-compatible bucket (AWS, MinIO,
# Hetzner, Scaleway, ...) through django-storages. Credentials come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (or the host's role), as boto3 reads them. Invoices are never stored: they
# are made from the stored invoice document when asked for, behind the booker's secret link.
S3_BUCKET = env.str("TILMELD_S3_BUCKET", default="")
if S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("TILMELD_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("TILMELD_S3_REGION", default="") or None,
            "location": env.str("TILMELD_S3_PREFIX", default=""),
            # Files are public pages' pictures and PDFs: served from the bucket (or a CDN in front
            # of it, TILMELD_S3_CUSTOM_DOMAIN), whose policy must let anyone read them. With
            # TILMELD_S3_SIGNED_URLS=1 the bucket stays private and each link is signed for
            # TILMELD_S3_SIGNED_URL_SECONDS (then keep public pages' cache time well below it).
            "custom_domain": env.str("TILMELD_S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": env.bool("TILMELD_S3_SIGNED_URLS", default=False),
            "querystring_expire": env.int("TILMELD_S3_SIGNED_URL_SECONDS", default=3600),
            # A replaced file gets a new name, as in the local folder: a new logo is a new URL.
            "file_overwrite": False,
            "default_acl": env.str("TILMELD_S3_DEFAULT_ACL", default="") or None,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _media_storage,
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

if S3_BUCKET:
    # Pictures from the bucket (or its CDN) are allowed on the pages: that origin, or the one
    # TILMELD_S3_MEDIA_ORIGIN names.
    _s3 = STORAGES["default"]["OPTIONS"]
    if _s3["custom_domain"]:
        _media_origin = f"https://{_s3['custom_domain']}"
    elif _s3["endpoint_url"]:
        _parts = urlsplit(_s3["endpoint_url"])
        _media_origin = f"{_parts.scheme}://{_parts.netloc}"
    else:
        _media_origin = f"https://{S3_BUCKET}.s3.amazonaws.com"
    _media_origin = env.str("TILMELD_S3_MEDIA_ORIGIN", default="") or _media_origin
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin)

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
    "tilmeld.webhooks.delivering.prune_deliveries",
    # Anonymises what is past its retention period (tilmeld.privacy.retention).
    "tilmeld.privacy.retention.sweep",
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
# The public pages' rate limits (tilmeld/core/ratelimits.py), each "COUNT/PERIOD" with the
# period in s, m, h or d and an optional number before it ("20/10m": 20 in ten minutes); empty
# turns a limit off. Over a limit: 429 with Retry-After until its window ends.
# Wrong manage and booking links per client address: over it, that address's link lookups are
# all refused until the window ends, so no one can try links by the million; a person mistyping
# their own link a few times never comes near it, and a link opened before in the same browser
# always opens (a signed cookie remembers the last ten).
TILMELD_RATE_LINK_FAILURES = env.str("TILMELD_RATE_LINK_FAILURES", default="20/10m")
# Registrations sent per client address (colleagues behind one office address: keep it high),
# and per booker's e-mail address (each sends a mail to it).
TILMELD_RATE_REGISTER_ADDRESS = env.str("TILMELD_RATE_REGISTER_ADDRESS", default="60/10m")
TILMELD_RATE_REGISTER_EMAIL = env.str("TILMELD_RATE_REGISTER_EMAIL", default="10/1h")
# "This address is registered already; the link is mailed to it": per client address and per
# e-mail address, so the form is no way to flood someone's inbox or to probe many addresses.
TILMELD_RATE_REMINDER_ADDRESS = env.str("TILMELD_RATE_REMINDER_ADDRESS", default="10/1h")
TILMELD_RATE_REMINDER_EMAIL = env.str("TILMELD_RATE_REMINDER_EMAIL", default="3/1h")
# Check-in codes that are not codes of ours, per staff user.
TILMELD_RATE_CHECKIN_FAILURES = env.str("TILMELD_RATE_CHECKIN_FAILURES", default="30/5m")
# Proxies in front of the app that append to X-Forwarded-For (a load balancer: 1). With 0 the
# client address is the connection's own, and a forged X-Forwarded-For counts for nothing.
TILMELD_NUM_PROXIES = env.int("TILMELD_NUM_PROXIES", default=0)
NINJA_NUM_PROXIES = TILMELD_NUM_PROXIES
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "tilmeld.core.ratelimits.client_address"
RATELIMIT_FAIL_OPEN = True  # a count the cache could not keep does not close the site
RATELIMIT_VIEW = "tilmeld.core.ratelimits.refused_view"

# The admin login (django-axes): a username at one client address gets
# TILMELD_LOGIN_FAILURE_LIMIT wrong passwords; then it is locked out, even with the right
# password, until TILMELD_LOGIN_COOLOFF_MINUTES after the last failure. Each failure and lockout
# is logged (username, address, never the password). Counted in the "ratelimit" cache.
AXES_FAILURE_LIMIT = env.int("TILMELD_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("TILMELD_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "ratelimit"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "tilmeld.core.ratelimits.client_address"
AXES_LOCKOUT_CALLABLE = "tilmeld.core.lockout.lockout_response"
# The log names the username and the address (operators act on them); the password is never
# logged (axes always masks it).
AXES_SENSITIVE_PARAMETERS = []
AXES_VERBOSE = False  # no banner at every start; the log lines still name username and address
AXES_ENABLE_ADMIN = False  # the cache holds the attempts: the admin's attempt tables stay empty
# Webhooks (tilmeld.webhooks), sent by the worker. Only to public addresses unless this allows
# private and loopback ones too (a receiver inside the network; tests): a webhook must not be a
# way into the network. A send begun longer ago than the lease (seconds; above the 10 s request
# timeout) counts as interrupted and is sent again, with the same webhook-id. Each process keeps
# the list of subscriptions for TILMELD_WEBHOOKS_CACHE_SECONDS: a subscription made or changed in
# another process takes effect within that time. The delivery log keeps delivered and given-up
# deliveries for TILMELD_WEBHOOKS_KEEP_DAYS, then the worker deletes them.
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("TILMELD_WEBHOOKS_ALLOW_PRIVATE_URLS", default=False)
WEBHOOKS_SEND_LEASE = env.float("TILMELD_WEBHOOKS_SEND_LEASE", default=60)
WEBHOOKS_CACHE_SECONDS = env.float("TILMELD_WEBHOOKS_CACHE_SECONDS", default=5)
WEBHOOKS_KEEP_DAYS = env.int("TILMELD_WEBHOOKS_KEEP_DAYS", default=30)

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

# Public pages and the objects behind them are kept in the `default` cache (tilmeld/core/
# pagecache.py): at most this many seconds when nothing they show changes (a change bumps a
# version every process sees at once when REDIS_URL is set; without Redis other processes of
# the host follow within these seconds). Seats left are kept 2 seconds at most.
TILMELD_PAGE_CACHE_SECONDS = env.int("TILMELD_PAGE_CACHE_SECONDS", default=60)
# How long proxies and browsers may keep a public page (Cache-Control: public, max-age).
TILMELD_PAGE_MAX_AGE = env.int("TILMELD_PAGE_MAX_AGE", default=30)
# How long a shared cache in front of the app hosts (nginx's micro-cache in deploy/nginx, a CDN)
# may keep a public page (Cache-Control: s-maxage): a staff change shows through it within this.
TILMELD_PROXY_CACHE_SECONDS = env.int("TILMELD_PROXY_CACHE_SECONDS", default=1)
