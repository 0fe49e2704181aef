"""Signing in is protected against password guessing (django-axes): after
LOGIN_FAILURE_LIMIT failures for one username, or from one client address, sign-in is
refused for LOGIN_LOCKOUT_MINUTES, with a message on the login page; an administrator
can unlock sooner. Every failure and every lockout is on the audit trail of the tenants
the username belongs to. Each test signs in through the real login page."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from audit.models import AuditAction
from tests import factories
from tests.support import audit_events

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"
LOCKED = (
    "Too many failed sign-in attempts. Try again in 15 minutes or ask an administrator "
    "to unlock your account."
)
LIMIT = 5  # the default of LOGIN_FAILURE_LIMIT, which the test settings keep


def _sign_in(client, username, password, *, address="127.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:
    return client.get("/requisitions/").status_code == 200


def _fail(client, username, times, *, address="127.0.0.1"):
    for _ in range(times):
        response = _sign_in(client, username, "wrong", address=address)
        assert response.status_code in (200, 429)


def test_the_test_settings_keep_the_real_limits():
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_twenty_wrong_passwords_then_the_right_one_does_not_sign_in(recruiter_a):
    client = Client()
    _fail(client, "rita", 20)

    response = _sign_in(client, "rita", PASSWORD)

    assert response.status_code == 429
    assert not _signed_in(client)


def test_the_failure_before_the_limit_still_lets_the_right_password_in(recruiter_a):
    client = Client()
    _fail(client, "rita", LIMIT - 1)
    assert _sign_in(client, "rita", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_login_page_says_why_and_keeps_the_form(recruiter_a):
    client = Client()
    _fail(client, "rita", LIMIT)

    response = _sign_in(client, "rita", PASSWORD)

    body = response.content.decode()
    assert response.status_code == 429
    assert LOCKED in body
    assert 'data-testid="login-locked-out"' in body
    assert 'name="username"' in body and 'value="rita"' in body
    assert "Please enter a correct username" not in body  # not the wrong-password message


def test_one_user_stays_locked_from_another_address(recruiter_a):
    _fail(Client(), "rita", LIMIT, address="127.0.0.2")
    client = Client()
    assert _sign_in(client, "rita", PASSWORD, address="127.0.0.3").status_code == 429
    assert not _signed_in(client)


def test_one_address_guessing_many_usernames_is_locked_for_every_username(recruiter_a):
    client = Client()
    for n in range(LIMIT):
        _fail(client, f"guess{n}", 1, address="127.0.0.4")
    assert _sign_in(client, "rita", PASSWORD, address="127.0.0.4").status_code == 429
    other = Client()
    assert _sign_in(other, "rita", PASSWORD, address="127.0.0.5").status_code == 302


def test_the_lockout_ends_after_the_cool_off(recruiter_a):
    client = Client()
    _fail(client, "rita", LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert _sign_in(client, "rita", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_a_refused_attempt_during_the_lockout_does_not_prolong_it(recruiter_a):
    """The message promises the time left; trying again must not start it over."""
    client = Client()
    _fail(client, "rita", LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    _fail(client, "rita", 3)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _sign_in(client, "rita", PASSWORD).status_code == 302


def test_an_administrator_unlocks_through_the_admin(recruiter_a):
    _fail(Client(), "rita", LIMIT)
    operator = factories.make_user(username="operator", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(operator)
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert attempts

    listed = admin.get("/admin/axes/accessattempt/")
    assert listed.status_code == 200 and "rita" in listed.content.decode()
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": attempts, "post": "yes"},
    )
    assert response.status_code == 302

    client = Client()
    assert _sign_in(client, "rita", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_failures_and_the_lockout_are_on_the_trail_of_each_tenant_of_the_user(tenant_a, tenant_b):
    sam = factories.make_user(username="sam")
    for tenant in (tenant_a, tenant_b):
        factories.make_membership(tenant=tenant, user=sam)
    client = Client()
    _fail(client, "sam", LIMIT, address="127.0.0.6")
    _sign_in(client, "sam", PASSWORD, address="127.0.0.6")  # refused: locked out

    for tenant in (tenant_a, tenant_b):
        failed = audit_events(action=AuditAction.LOGIN_FAILED, tenant_id=tenant.pk)
        assert len(failed) == LIMIT + 1
        assert {e.object_id for e in failed} == {str(sam.pk)}
        assert {e.ip_address for e in failed} == {"127.0.0.6"}
        assert sorted(e.data["refused_while_locked_out"] for e in failed) == [False] * LIMIT + [
            True
        ]
        (locked,) = audit_events(action=AuditAction.LOCKED_OUT, tenant_id=tenant.pk)
        assert locked.object_id == str(sam.pk)
        assert locked.data["username"] == "sam"
        assert locked.data["cool_off_minutes"] == 15
    assert not any(e.data.get("password") for e in audit_events())


def test_an_unknown_username_is_locked_out_but_in_no_tenant_s_trail(tenant_a):
    client = Client()
    _fail(client, "nobody", LIMIT)
    assert _sign_in(client, "nobody", "anything").status_code == 429
    assert AccessAttempt.objects.filter(username="nobody").exists()
    assert audit_events(action=AuditAction.LOGIN_FAILED) == []
    assert audit_events(action=AuditAction.LOCKED_OUT) == []


def test_the_limits_come_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats_milestones.settings.local",
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_LOCKOUT_MINUTES": "2",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["3", "120.0"]
