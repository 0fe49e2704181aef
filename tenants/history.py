"""simple-history wiring shared by every configuration model."""

from __future__ import annotations

from django.contrib.auth import get_user_model


def history_user(request=None, **kwargs):
    """Who changed a configuration row: a real user, else nobody.

    An API client (another HR system) is not a User row and cannot be stored as the
    history user; the audit event of the same write names the client instead.
    """
    user = getattr(request, "user", None)
    return user if isinstance(user, get_user_model()) else None
