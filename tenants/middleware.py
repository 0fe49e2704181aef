"""Browser requests: the tenant chosen in the session becomes the tenant in context."""

from __future__ import annotations

import uuid

from tenants.context import tenant_context
from tenants.selectors import membership_get_in_context, membership_list_for_user

SESSION_TENANT_KEY = "tenant_id"


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)

        tenant_id = _session_tenant_id(request)
        if tenant_id is None:
            memberships = membership_list_for_user(user=user)
            if not memberships:
                return self.get_response(request)
            tenant_id = memberships[0].tenant_id
            request.session[SESSION_TENANT_KEY] = str(tenant_id)

        with tenant_context(tenant_id):
            membership = membership_get_in_context(user=user, tenant_id=tenant_id)
            if membership is None:
                # Membership revoked since the session chose it: fall back to none.
                request.session.pop(SESSION_TENANT_KEY, None)
            else:
                request.membership = membership
                request.tenant = membership.tenant
                return self.get_response(request)
        return self.get_response(request)


def _session_tenant_id(request) -> uuid.UUID | None:
    raw = request.session.get(SESSION_TENANT_KEY)
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None
