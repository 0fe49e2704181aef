"""The API's rate limits: one budget per API client token and one per signed-in user;
over it a call answers 429 THROTTLED with `Retry-After`. The test settings keep the real
default rates, so these tests send one call more than the real limit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.support import assert_error

pytestmark = pytest.mark.django_db

PING = "/api/v1/ping"


def _limit(scope: str) -> int:
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]
    return int(rate.split("/")[0])


def test_the_test_settings_keep_the_real_default_rates():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "api_client": "600/minute",
        "api_user": "300/minute",
        "inbound_connection": "600/minute",
    }


def test_an_api_client_past_its_rate_gets_429_with_retry_after(api_a, api_b):
    for n in range(_limit("api_client")):
        assert api_a.get(PING).status_code == 200, n

    refused = api_a.get(PING)

    error = assert_error(refused, 429, "THROTTLED")
    assert "throttled" in error["message"].lower()
    assert 0 < int(refused["Retry-After"]) <= 60
    assert api_b.get(PING).status_code == 200  # another client's budget is its own


def test_a_refused_post_is_not_run(api_a):
    for _ in range(_limit("api_client")):
        api_a.get(PING)
    response = api_a.post("/api/v1/candidates", {"first_name": "A", "last_name": "B"})
    assert_error(response, 429, "THROTTLED")
    assert api_a.get("/api/v1/candidates").status_code == 429


def test_a_signed_in_user_has_a_budget_of_their_own(recruiter_a, api_a):
    session = APIClient()
    session.force_login(recruiter_a)
    for n in range(_limit("api_user")):
        assert session.get(PING).status_code == 200, n

    assert_error(session.get(PING), 429, "THROTTLED")
    assert api_a.get(PING).status_code == 200


def test_the_rates_come_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats_milestones.settings.local",
        "API_THROTTLE_CLIENT_RATE": "50/second",
        "API_THROTTLE_USER_RATE": "10/minute",
        "API_THROTTLE_INBOUND_RATE": "5/second",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == (
        "{'api_client': '50/second', 'api_user': '10/minute', 'inbound_connection': '5/second'}"
    )
