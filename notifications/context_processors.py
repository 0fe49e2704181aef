"""The header's unread-notification badge: at most one cheap query per page."""

from __future__ import annotations

from notifications.selectors import notification_unread_count

_CACHE_ATTRIBUTE = "_unread_notification_count"


def notifications(request) -> dict:
    """`unread_notification_count` is a callable the template resolves only where it is
    used (the header of a tenant page), and computes once per request: pages without the
    header, or without a tenant, run no query for it."""
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is None or user is None or not user.is_authenticated:
        return {}

    def unread_notification_count() -> int:
        if not hasattr(request, _CACHE_ATTRIBUTE):
            setattr(
                request,
                _CACHE_ATTRIBUTE,
                notification_unread_count(tenant_id=tenant.pk, user_id=user.pk),
            )
        return getattr(request, _CACHE_ATTRIBUTE)

    return {"unread_notification_count": unread_notification_count}
