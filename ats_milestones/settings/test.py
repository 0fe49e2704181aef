"""Tests: a real Postgres at DATABASE_URL; fast hashing; mail kept in memory."""

import os

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Live-server and thread tests open many connections; a pool per thread is not wanted.
DATABASES["default"]["OPTIONS"].pop("pool", None)
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Parallel suites on one server (several work trees, CI beside a developer) need their own DB.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}

# Tasks queued in a test run in the test's process; their effects (mail, rows) are what
# tests assert on. The celery_worker tests start a real worker and beat against Redis.
# A worker or beat that a test starts says false: beat would otherwise run tasks itself.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "true") == "true"

# Throttle counts stay in the test process (REDIS_URL is set for the worker tests). The
# sign-in lockout and the API rates keep their real defaults: tests exercise them.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Fake vendors are real HTTP servers on loopback; the relay runs when a test asks for it.
INTEGRATIONS_ENDPOINT_ALLOWLIST = ["127.0.0.0/8", "::1/128", "localhost"]
INTEGRATIONS_RELAY_KICK = os.environ.get("INTEGRATIONS_RELAY_KICK", "") == "true"
