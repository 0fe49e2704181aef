"""Writing the audit trail."""

from __future__ import annotations

from typing import Any

from .models import AuditEvent


def audit_record(
    *,
    action: str,
    tenant_id,
    actor_user_id: int | None = None,
    actor_api_client_id=None,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit event; call it inside the transaction of what it records."""
    return AuditEvent.all_tenants.create(
        tenant_id=tenant_id,
        action=action,
        actor_user_id=actor_user_id,
        actor_api_client_id=actor_api_client_id,
        object_type=object_type,
        object_id=str(object_id),
        data=data or {},
        ip_address=ip_address,
    )
