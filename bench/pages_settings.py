"""The bench settings with the site's URLs and the constant-response view (bench.pages)."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"
