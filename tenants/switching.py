"""Choosing which of a user's tenants the browser session works in."""

from __future__ import annotations

import uuid

from django.db import transaction

from ats_milestones.errors import NotFound
from ats_milestones.events import publish
from tenants.events import TenantSwitched
from tenants.middleware import SESSION_TENANT_KEY
from tenants.models import Membership
from tenants.selectors import membership_list_for_user


@transaction.atomic
def session_tenant_switch(
    *, user, session, tenant_id: uuid.UUID, ip_address: str | None = None
) -> Membership:
    """Put `tenant_id` in the session, only if the user is an active member of it.

    A tenant the user does not belong to is answered as not found, so the switcher
    never confirms that another tenant exists. The switch is audited in the tenant
    switched to.
    """
    membership = next(
        (m for m in membership_list_for_user(user=user) if m.tenant_id == tenant_id), None
    )
    if membership is None:
        raise NotFound("No such tenant.", fields={"tenant_id": "Not one of your tenants."})
    previous = session.get(SESSION_TENANT_KEY)
    session[SESSION_TENANT_KEY] = str(tenant_id)
    publish(
        TenantSwitched(
            tenant_id=tenant_id,
            user_id=user.pk,
            from_tenant_id=previous or "",
            ip_address=ip_address,
        )
    )
    return membership
