"""The benches' server (bench.wsgi) differs from the product's in two ways only, and the
product knows neither: the framework-ceiling route, and no per-caller API rate limit."""

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json, sys
import {module}
from django.conf import settings
from django.urls import NoReverseMatch, reverse, set_urlconf
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from ats_milestones.api.throttling import ApiCallerRateThrottle
set_urlconf(settings.ROOT_URLCONF)  # as the handler sets it for each request
try:
    ceiling = reverse("bench-ceiling", kwargs={{"pk": 1}})
except NoReverseMatch:
    ceiling = None
print(json.dumps({{
    "rates": api_settings.DEFAULT_THROTTLE_RATES,
    "class_rates": SimpleRateThrottle.THROTTLE_RATES,
    "throttles": api_settings.DEFAULT_THROTTLE_CLASSES == [ApiCallerRateThrottle],
    "ceiling": ceiling,
}}))
"""


def _served_by(module: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "API_THROTTLE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ats_milestones.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        INTEGRATIONS_SECRET_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        DJANGO_ALLOWED_HOSTS="ats.example.com",
        DATABASE_URL="postgres://ats:secret@db.example.com:5432/ats",
    )
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_product_server_keeps_its_rate_limits_and_has_no_bench_route():
    served = _served_by("ats_milestones.wsgi")
    assert served["rates"]["api_client"] == "600/minute"
    assert served["rates"]["api_user"] == "300/minute"
    assert served["throttles"]
    assert served["ceiling"] is None


def test_the_bench_server_has_no_rate_limit_for_any_caller_and_serves_the_ceiling():
    served = _served_by("bench.wsgi")
    for rates in (served["rates"], served["class_rates"]):
        assert rates == {"api_client": None, "api_user": None, "inbound_connection": None}
    assert served["ceiling"] == "/api/v1/bench/ceiling/1"
