"""The production settings unchanged, except that static files are collected into a throwaway
directory, so a benchmark never touches the deploy's STATIC_ROOT."""

import os
from pathlib import Path

from tilmeld.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["TILMELD_BENCH_STATIC_ROOT"])
