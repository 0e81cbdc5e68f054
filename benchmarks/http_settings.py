"""The portal's settings plus the benchmark's URLs (the stack ceilings), for `run.py --http` only."""

from governance.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
ALLOWED_HOSTS = ["*"]
