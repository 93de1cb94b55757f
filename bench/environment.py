"""What every benchmark's app sees: the production settings (DEBUG off) over plain HTTP on
127.0.0.1, with a fresh secret key."""

import secrets


def production_over_http(**values: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        **values,
    }
