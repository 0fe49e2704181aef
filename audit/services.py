"""Writing the audit trail."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from ats_milestones.db import json_param
from audit.models import AuditAction, AuditEvent
from tenants.actors import SYSTEM, Actor
from tenants.context import all_tenants_context, tenant_context
from tenants.events import (
    AccessDenied,
    ActionForbidden,
    MembershipChanged,
    ObjectChanged,
    SignInFailed,
    SignInLockedOut,
    TenantSwitched,
)
from tenants.request_context import (
    RequestContext,
    client_address,
    current_request_context,
    user_agent_of,
)
from tenants.selectors import membership_list_for_user


def audit_event_build(
    *,
    action: str,
    tenant_id,
    actor: Actor = SYSTEM,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """The one builder of an audit row (unsaved: a move writes it in its own statement).
    During a request it also says which request, from which address and user agent, and
    whom an API client acted for (tenants.request_context, set by a middleware). A
    connection (an inbound webhook) has no actor column: its id goes into `data`."""
    request = current_request_context() or _NO_REQUEST
    if actor.connection_id is not None:
        data = {**(data or {}), "actor_connection_id": str(actor.connection_id)}
    return AuditEvent(
        tenant_id=tenant_id,
        action=action,
        actor_user_id=actor.user_id,
        actor_api_client_id=actor.api_client_id,
        on_behalf_of_user_id=actor.on_behalf_of_user_id or request.on_behalf_of_user_id,
        object_type=object_type,
        object_id=str(object_id),
        data=data or {},
        ip_address=actor.ip_address or request.ip_address,
        request_id=request.request_id,
        user_agent=request.user_agent,
    )


_NO_REQUEST = RequestContext(request_id="")


def audit_record(**fields: Any) -> AuditEvent:
    """Append one audit event (`audit_event_build`'s arguments); call it inside the
    transaction of what it records."""
    event = audit_event_build(**fields)
    event.save(force_insert=True)
    return event


AUDIT_OBJECT_APPLICATION = "recruiting.Application"


def audit_application(
    *,
    action: str,
    application_id,
    tenant_id,
    data: dict[str, Any],
    actor: Actor = SYSTEM,
) -> AuditEvent:
    """Append one audit event about an application (its trail is read by this object)."""
    return audit_record(
        action=action,
        tenant_id=tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_APPLICATION,
        object_id=application_id,
        data=data,
    )


def audit_applications_sql(source: str) -> str:
    """An INSERT of application audit events, one per row of `source` (a FROM item with
    columns `object_id` and `data`), for a statement that computes them itself; its
    parameters come from `audit_applications_params`."""
    return f"""
INSERT INTO {AuditEvent._meta.db_table}
    (id, tenant_id, created_at, updated_at, at, action, object_type, object_id, data)
SELECT gen_random_uuid(), %(audit_tenant)s, %(audit_at)s, %(audit_at)s, %(audit_at)s,
       %(audit_action)s, %(audit_object_type)s, object_id, data
FROM {source}
"""  # noqa: S608 -- the table name is the model's, values are parameters


def audit_applications_params(*, action: str, tenant_id, at) -> dict[str, Any]:
    return {
        "audit_tenant": tenant_id,
        "audit_at": at,
        "audit_action": action,
        "audit_object_type": AUDIT_OBJECT_APPLICATION,
    }


_AUDIT_APPLICATIONS_SQL = audit_applications_sql(
    "jsonb_to_recordset(%(document)s::jsonb) AS v(object_id text, data jsonb)"
)


def audit_applications(*, action: str, tenant_id, at, events: list[tuple[Any, dict]]) -> None:
    """`audit_application` for many applications of one tenant at once: one INSERT of
    (application id, data) pairs, no model instances (a sweep batch writes hundreds)."""
    if not events:
        return
    document = [{"object_id": str(pk), "data": data} for pk, data in events]
    with connection.cursor() as cursor:
        cursor.execute(
            _AUDIT_APPLICATIONS_SQL,
            {
                **audit_applications_params(action=action, tenant_id=tenant_id, at=at),
                "document": json_param(document),
            },
        )


def audit_object_changed(event: ObjectChanged) -> AuditEvent:
    """The audit row of one create or update published by a service (`ObjectChanged`)."""
    return audit_record(
        action=event.action,
        tenant_id=event.tenant_id,
        actor=event.actor,
        object_type=event.object_type,
        object_id=event.object_id,
        data={"fields": sorted(event.fields)},
    )


def audit_tenant_switched(event: TenantSwitched) -> AuditEvent:
    """A session switched tenant: recorded in the tenant switched to."""
    with tenant_context(event.tenant_id):
        return audit_record(
            action=AuditAction.TENANT_SWITCHED,
            tenant_id=event.tenant_id,
            actor=Actor(user_id=event.user_id, ip_address=event.ip_address),
            object_type="tenants.tenant",
            object_id=str(event.tenant_id),
            data={"from_tenant_id": event.from_tenant_id},
        )


AUDIT_OBJECT_USER = "auth.User"


def audit_sign_in_failed(event: SignInFailed) -> AuditEvent:
    """A failed sign-in to a member's account, in one of the member's tenants. The actor is
    unknown (whoever typed the password: only their address is kept); the object is the
    account."""
    with tenant_context(event.tenant_id):
        return audit_record(
            action=AuditAction.LOGIN_FAILED,
            tenant_id=event.tenant_id,
            object_type=AUDIT_OBJECT_USER,
            object_id=str(event.user_id),
            data={
                "username": event.username,
                "refused_while_locked_out": event.refused_while_locked_out,
            },
            actor=Actor(ip_address=event.ip_address),
        )


def audit_sign_in_locked_out(event: SignInLockedOut) -> AuditEvent:
    """Sign-in to a member's account was locked out after too many failures."""
    with tenant_context(event.tenant_id):
        return audit_record(
            action=AuditAction.LOCKED_OUT,
            tenant_id=event.tenant_id,
            object_type=AUDIT_OBJECT_USER,
            object_id=str(event.user_id),
            data={
                "username": event.username,
                "failures": event.failures,
                "cool_off_minutes": event.cool_off_minutes,
            },
            actor=Actor(ip_address=event.ip_address),
        )


def audit_access_denied(event: AccessDenied) -> AuditEvent:
    """Record a look-up of an id outside the caller's tenant (answered 404), noting
    whether that id exists in another tenant: the sign of a probe rather than a typo."""
    model = apps.get_model(event.model_label)
    try:
        with all_tenants_context():
            elsewhere = model.all_tenants.filter(pk=event.object_id).exists()
    except (ValueError, ValidationError):
        elsewhere = False  # not even a well-formed id
    return audit_record(
        action=AuditAction.ACCESS_DENIED,
        tenant_id=event.tenant_id,
        actor=event.actor,
        object_type=model._meta.label,
        object_id=str(event.object_id)[:64],
        data={"path": event.path, "method": event.method, "exists_in_other_tenant": elsewhere},
    )


def audit_action_forbidden(event: ActionForbidden) -> AuditEvent:
    """Record a refusal by role or scope (403): what was asked, what was missing, and why."""
    with tenant_context(event.tenant_id):
        return audit_record(
            action=AuditAction.FORBIDDEN,
            tenant_id=event.tenant_id,
            actor=event.actor,
            object_type="",
            object_id="",
            data={
                "path": event.path,
                "method": event.method,
                "capability": event.capability,
                "reason": event.reason,
                "role": event.actor.role or "",
            },
        )


def audit_logged_in(sender, request, user, **kwargs) -> None:
    """`user_logged_in`: a sign-in is on the trail of every tenant the user can reach, with
    the client's address and user agent (failed sign-ins and lockouts: django-axes)."""
    known = getattr(request, "META", None) is not None
    address = client_address(request) if known else None
    agent = user_agent_of(request) if known else ""
    for membership in membership_list_for_user(user=user):
        with tenant_context(membership.tenant_id):
            audit_record(
                action=AuditAction.LOGIN,
                tenant_id=membership.tenant_id,
                actor=Actor(user_id=user.pk, role=membership.role, ip_address=address),
                object_type="auth.user",
                object_id=str(user.pk),
                data={
                    "user_agent": agent,
                    "role": membership.role,
                },
            )


def audit_membership_changed(event: MembershipChanged) -> AuditEvent:
    """A role or permission change: who changed whose membership, from what to what."""
    return audit_record(
        action=event.action,
        tenant_id=event.tenant_id,
        actor=event.actor,
        object_type="tenants.Membership",
        object_id=event.membership_id,
        data={"user_id": event.user_id, "changes": event.changes},
    )
