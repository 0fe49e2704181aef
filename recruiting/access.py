"""Who may see a confidential requisition: its confidentiality and the people granted
`view_requisition` on it (django-guardian object permissions). Each change is a permission
change on the audit trail; only roles with `manage_access` (admins) make them."""

from __future__ import annotations

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from ats_milestones.errors import InvalidInput
from audit.services import audit_record
from recruiting.models import Requisition
from recruiting.selectors import VIEW_REQUISITION, access_grants
from tenants.actors import Actor
from tenants.permissions import Capability, actor_require
from tenants.selectors import tenant_user_list

PERMISSION_GRANTED = "permission.granted"
PERMISSION_REVOKED = "permission.revoked"
CONFIDENTIALITY_CHANGED = "permission.confidentiality_changed"
AUDIT_OBJECT_REQUISITION = "recruiting.Requisition"


def _member(*, requisition: Requisition, user_id) -> object:
    user = tenant_user_list(tenant_id=requisition.tenant_id).filter(pk=user_id).first()
    if user is None:
        raise InvalidInput(
            "That person is not a member of this tenant.",
            fields={"user": ["Object does not exist."]},
        )
    return user


def _record(*, action: str, requisition: Requisition, actor: Actor, data: dict) -> None:
    audit_record(
        action=action,
        tenant_id=requisition.tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_REQUISITION,
        object_id=requisition.pk,
        data=data,
    )


@transaction.atomic
def requisition_access_grant(*, requisition: Requisition, user_id: int, actor: Actor) -> bool:
    """Let one member of the tenant see the requisition; False when they already could."""
    actor_require(actor, Capability.MANAGE_ACCESS)
    user = _member(requisition=requisition, user_id=user_id)
    if access_grants(user_id=user.pk, object_pk=str(requisition.pk)).exists():
        return False
    assign_perm(f"{Requisition._meta.app_label}.{VIEW_REQUISITION}", user, requisition)
    _record(
        action=PERMISSION_GRANTED,
        requisition=requisition,
        actor=actor,
        data={"permission": VIEW_REQUISITION, "user_id": user.pk},
    )
    return True


@transaction.atomic
def requisition_access_revoke(*, requisition: Requisition, user_id: int, actor: Actor) -> bool:
    """Take a grant back; False when there was none."""
    actor_require(actor, Capability.MANAGE_ACCESS)
    user = _member(requisition=requisition, user_id=user_id)
    if not access_grants(user_id=user.pk, object_pk=str(requisition.pk)).exists():
        return False
    remove_perm(f"{Requisition._meta.app_label}.{VIEW_REQUISITION}", user, requisition)
    _record(
        action=PERMISSION_REVOKED,
        requisition=requisition,
        actor=actor,
        data={"permission": VIEW_REQUISITION, "user_id": user.pk},
    )
    return True


@transaction.atomic
def requisition_confidentiality_set(
    *, requisition: Requisition, confidential: bool, actor: Actor
) -> Requisition:
    """Mark the requisition confidential (seen by its team and permitted roles) or not."""
    actor_require(actor, Capability.MANAGE_ACCESS)
    if requisition.is_confidential == confidential:
        return requisition
    requisition.is_confidential = confidential
    requisition.save(update_fields=["is_confidential", "updated_at"])
    _record(
        action=CONFIDENTIALITY_CHANGED,
        requisition=requisition,
        actor=actor,
        data={"is_confidential": [not confidential, confidential]},
    )
    return requisition
