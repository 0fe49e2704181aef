"""Signing in against password guessing: django-axes counts failures, this module says so.

Axes refuses a sign-in once a username, or a client address, has failed
`AXES_FAILURE_LIMIT` times within the cool-off (settings: LOGIN_FAILURE_LIMIT,
LOGIN_LOCKOUT_MINUTES). Here: the client's address as the lockout sees it, the login page
a person gets while locked out, and the audit of every failure and lockout.

The audit trail is per tenant, and a failed sign-in belongs to none: it is recorded in
every tenant the username is an active member of (so each tenant's admins see attacks on
their people). A username that does not exist, or belongs to no tenant, is recorded only by
axes (admin: Axes > Access attempts / failures) and in the log.
"""

from __future__ import annotations

import logging
import math

from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import render

from ats_milestones.events import publish
from tenants.events import SignInFailed, SignInLockedOut
from tenants.request_context import client_address  # axes' AXES_CLIENT_IP_CALLABLE
from tenants.selectors import membership_list_for_user

logger = logging.getLogger(__name__)

LOCKED_OUT_TEMPLATE = "auth/login.html"


def lockout_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds() / 60) if cool_off else 0


def lockout_message(request=None) -> str:
    minutes = lockout_minutes(request)
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
    return (
        f"Too many failed sign-in attempts. Try again in {wait} or ask an administrator "
        "to unlock your account."
    )


def lockout_response(request, original_response=None, credentials=None):
    """The login page again (429), with the username kept and why sign-in is refused."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out_message": lockout_message(request),
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, LOCKED_OUT_TEMPLATE, context, status=429)


def _member_tenant_ids(username: str | None) -> tuple[int | None, list]:
    """The user of `username` (if any) and the tenants they are an active member of."""
    if not username:
        return None, []
    user = get_user_model()._default_manager.filter(username=username).first()
    if user is None:
        return None, []
    return user.pk, [m.tenant_id for m in membership_list_for_user(user=user)]


def _publish_per_tenant(username: str | None, build) -> None:
    user_id, tenant_ids = _member_tenant_ids(username)
    if not tenant_ids:
        logger.warning("sign-in event for %r recorded in no tenant (no such member)", username)
        return
    with transaction.atomic():
        for tenant_id in tenant_ids:
            publish(build(tenant_id, user_id))


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """A failed sign-in (wrong password, unknown user, or refused while locked out)."""
    if request is None:
        return
    username = credentials.get("username")
    # Axes heard the failure first: a lockout already in force left no failure count.
    refused = bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is None
    )
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    _publish_per_tenant(
        username,
        lambda tenant_id, user_id: SignInFailed(
            tenant_id=tenant_id,
            user_id=user_id,
            username=username,
            ip_address=address,
            refused_while_locked_out=refused,
        ),
    )


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    """Axes locked sign-in out; it says so again for each attempt while locked, which
    `on_sign_in_failed` records: the lockout itself is recorded once, when it begins."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    failures = request.axes_failures_since_start
    minutes = lockout_minutes(request)
    _publish_per_tenant(
        username,
        lambda tenant_id, user_id: SignInLockedOut(
            tenant_id=tenant_id,
            user_id=user_id,
            username=username,
            ip_address=ip_address,
            failures=failures,
            cool_off_minutes=minutes,
        ),
    )


def connect() -> None:
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="tenants.signin.failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="tenants.signin.locked_out")
