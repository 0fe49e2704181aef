"""Denied look-ups: an id outside the caller's tenant (or not theirs) is answered 404, and
the attempt is recorded (the audit trail subscribes to `AccessDenied`)."""

from __future__ import annotations

from django.db import transaction

from ats_milestones.events import publish
from tenants.actors import Actor
from tenants.events import AccessDenied, ActionForbidden
from tenants.request_context import client_address


def access_denied(*, model, object_id, tenant_id, path: str, method: str, actor: Actor) -> None:
    """Publish the denied look-up of `model` `object_id` by `actor` in `tenant_id`."""
    with transaction.atomic():
        publish(
            AccessDenied(
                tenant_id=tenant_id,
                model_label=model._meta.label,
                object_id=str(object_id),
                path=path,
                method=method,
                actor=actor,
            )
        )


def page_actor(request) -> Actor:
    """Who is acting in a browser request: the signed-in user, in their role in the tenant."""
    return Actor(
        user_id=request.user.pk,
        role=getattr(getattr(request, "membership", None), "role", None),
        ip_address=client_address(request),
    )


def access_denied_on_page(request, *, model, object_id) -> None:
    """A browser page asked for an id outside the session's tenant (or not the user's)."""
    access_denied(
        model=model,
        object_id=object_id,
        tenant_id=request.tenant.pk,
        path=request.path,
        method=request.method,
        actor=page_actor(request),
    )


def action_forbidden(
    *, tenant_id, capability: str, reason: str, path: str, method: str, actor: Actor
) -> None:
    """Publish a refusal by role or scope (403), in its own transaction: the refused
    change rolled back, its refusal stays on the record."""
    with transaction.atomic():
        publish(
            ActionForbidden(
                tenant_id=tenant_id,
                capability=str(capability),
                reason=reason,
                path=path,
                method=method,
                actor=actor,
            )
        )


def action_forbidden_on_page(request, *, capability: str, reason: str) -> None:
    action_forbidden(
        tenant_id=request.tenant.pk,
        capability=capability,
        reason=reason,
        path=request.path,
        method=request.method,
        actor=page_actor(request),
    )
