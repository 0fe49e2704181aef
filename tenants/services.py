"""Writes of a tenant's configuration: departments, job families, locations, requisition types.

Every write runs in a transaction, checks that each referenced row belongs to the same
tenant, and appends an audit event naming the fields it changed (never their values, so
the trail holds no personal data).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, models, transaction

from ats_milestones.errors import Conflict, InvalidInput
from ats_milestones.events import publish
from tenants.actors import Actor
from tenants.errors import ConfigErrorCode
from tenants.events import MembershipChanged, ObjectChanged
from tenants.models import (
    Department,
    JobFamily,
    Location,
    Membership,
    MembershipDepartment,
    RequisitionType,
    TenantScopedModel,
)

CREATED = "object.created"
UPDATED = "object.updated"


def object_changed(*, action: str, instance: TenantScopedModel, actor: Actor, fields) -> None:
    """Publish one create (`CREATED`) or update (`UPDATED`) in the caller's transaction; the
    audit trail records it there, naming the fields."""
    publish(
        ObjectChanged(
            tenant_id=instance.tenant_id,
            action=action,
            object_type=instance._meta.label,
            object_id=str(instance.pk),
            fields=tuple(fields),
            actor=actor,
        )
    )


def ensure_same_tenant(*, tenant_id: uuid.UUID, **related: models.Model | None) -> None:
    """Refuse a reference to another tenant's row, naming the field (defence in depth)."""
    for field, obj in related.items():
        if obj is not None and getattr(obj, "tenant_id", tenant_id) != tenant_id:
            raise InvalidInput(
                f"{field} does not exist.", fields={field: ["Object does not exist."]}
            )


def violated_constraint(exc: IntegrityError) -> str:
    """The name of the constraint an IntegrityError broke ('' when Postgres did not say)."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def apply_changes(instance: models.Model, changes: dict[str, Any]) -> list[str]:
    """Set the given attributes; return the names of those whose value changed."""
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _save_with_unique_code(instance: TenantScopedModel, **save_kwargs) -> None:
    model = type(instance)
    clash = model.objects.for_tenant(instance.tenant_id).filter(code=instance.code)
    if instance.pk and not instance._state.adding:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise Conflict(
            f"A {model._meta.verbose_name} with code '{instance.code}' already exists.",
            code=ConfigErrorCode.DUPLICATE_CODE,
            fields={"code": ["Already in use."]},
        )
    try:
        with transaction.atomic():
            instance.save(**save_kwargs)
    except IntegrityError as exc:  # a concurrent insert of the same code won the race
        if not violated_constraint(exc).endswith("_code_per_tenant"):
            raise
        raise Conflict(
            f"A {model._meta.verbose_name} with code '{instance.code}' already exists.",
            code=ConfigErrorCode.DUPLICATE_CODE,
            fields={"code": ["Already in use."]},
        ) from exc


def _create(model: type[TenantScopedModel], *, tenant_id, actor: Actor, **values):
    instance = model(tenant_id=tenant_id, **values)
    _save_with_unique_code(instance)
    object_changed(action=CREATED, instance=instance, actor=actor, fields=values)
    return instance


def _update(instance: TenantScopedModel, *, actor: Actor, changes: dict[str, Any]):
    changed = apply_changes(instance, changes)
    if changed:
        _save_with_unique_code(instance)
        object_changed(action=UPDATED, instance=instance, actor=actor, fields=changed)
    return instance


# -- departments ----------------------------------------------------------------------


def _check_parent(*, department: Department | None, parent: Department | None, tenant_id) -> None:
    ensure_same_tenant(tenant_id=tenant_id, parent=parent)
    if department is None or parent is None:
        return
    node: Department | None = parent
    while node is not None:  # a department may not sit below itself
        if node.pk == department.pk:
            raise InvalidInput(
                "A department cannot be its own ancestor.",
                code=ConfigErrorCode.DEPARTMENT_CYCLE,
                fields={"parent": ["Would create a cycle."]},
            )
        node = node.parent


@transaction.atomic
def department_create(
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    code: str,
    name: str,
    parent: Department | None = None,
) -> Department:
    _check_parent(department=None, parent=parent, tenant_id=tenant_id)
    return _create(
        Department, tenant_id=tenant_id, actor=actor, code=code, name=name, parent=parent
    )


@transaction.atomic
def department_update(
    *, department: Department, actor: Actor, changes: dict[str, Any]
) -> Department:
    if "parent" in changes:
        _check_parent(
            department=department, parent=changes["parent"], tenant_id=department.tenant_id
        )
    return _update(department, actor=actor, changes=changes)


# -- job families ---------------------------------------------------------------------


@transaction.atomic
def job_family_create(*, tenant_id: uuid.UUID, actor: Actor, code: str, name: str) -> JobFamily:
    return _create(JobFamily, tenant_id=tenant_id, actor=actor, code=code, name=name)


@transaction.atomic
def job_family_update(*, job_family: JobFamily, actor: Actor, changes: dict[str, Any]) -> JobFamily:
    return _update(job_family, actor=actor, changes=changes)


# -- locations ------------------------------------------------------------------------


@transaction.atomic
def location_create(
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    code: str,
    name: str,
    country: str,
    region: str = "",
) -> Location:
    return _create(
        Location,
        tenant_id=tenant_id,
        actor=actor,
        code=code,
        name=name,
        country=country,
        region=region,
    )


@transaction.atomic
def location_update(*, location: Location, actor: Actor, changes: dict[str, Any]) -> Location:
    return _update(location, actor=actor, changes=changes)


# -- requisition types ----------------------------------------------------------------


@transaction.atomic
def requisition_type_create(
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    code: str,
    name: str,
    flsa_status: str | None = None,
    is_technical: bool = False,
    is_executive: bool = False,
) -> RequisitionType:
    values: dict[str, Any] = {
        "code": code,
        "name": name,
        "is_technical": is_technical,
        "is_executive": is_executive,
    }
    if flsa_status is not None:
        values["flsa_status"] = flsa_status
    return _create(RequisitionType, tenant_id=tenant_id, actor=actor, **values)


@transaction.atomic
def requisition_type_update(
    *, requisition_type: RequisitionType, actor: Actor, changes: dict[str, Any]
) -> RequisitionType:
    return _update(requisition_type, actor=actor, changes=changes)


def membership_snapshot(membership_id) -> dict:
    """What the audit trail compares for a membership: role, activity, departments."""
    membership = Membership.objects.filter(pk=membership_id).first()
    if membership is None:
        return {}
    return {
        "role": membership.role,
        "is_active": membership.is_active,
        "departments": sorted(
            str(code)
            for code in MembershipDepartment.objects.filter(membership=membership).values_list(
                "department__code", flat=True
            )
        ),
    }


def membership_change_record(
    *, membership, before: dict, actor: Actor, removed: bool = False
) -> None:
    """Publish a membership's role / activity / department change (before and after) for
    the audit trail; nothing when nothing it tracks changed."""
    after = {} if removed else membership_snapshot(membership.pk)
    if removed:
        action = "membership.removed"
    elif not before:
        action = "membership.created"
    else:
        action = "membership.changed"
    changes = {
        key: [before.get(key), after.get(key)]
        for key in ("role", "is_active", "departments")
        if before.get(key) != after.get(key)
    }
    if not changes:
        return
    with transaction.atomic():
        publish(
            MembershipChanged(
                tenant_id=membership.tenant_id,
                action=action,
                membership_id=str(membership.pk),
                user_id=membership.user_id,
                changes=changes,
                actor=actor,
            )
        )
