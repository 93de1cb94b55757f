"""The bench settings serving only the yardstick view (bench.bare)."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare"
