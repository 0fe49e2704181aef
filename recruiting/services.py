"""Writes of requisitions, candidates and applications.

Each write runs in a transaction, refuses references to another tenant's rows (and
users without a membership in the tenant), and appends an audit event naming the
fields it changed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from ats_milestones.errors import Conflict, InvalidInput
from ats_milestones.events import publish
from recruiting.errors import RecruitingErrorCode
from recruiting.events import ApplicationCreated
from recruiting.models import Application, Candidate, Requisition
from tenants.actors import Actor
from tenants.models import Department, JobFamily, Location, RequisitionType
from tenants.permissions import Capability, actor_require
from tenants.selectors import tenant_user_list
from tenants.services import (
    CREATED,
    UPDATED,
    apply_changes,
    ensure_same_tenant,
    object_changed,
    violated_constraint,
)

_USER_FIELDS = ("recruiter", "hiring_manager")


def _ensure_members(*, tenant_id: uuid.UUID, **users) -> None:
    for field, user in users.items():
        if (
            user is not None
            and not tenant_user_list(tenant_id=tenant_id).filter(pk=user.pk).exists()
        ):
            raise InvalidInput(
                f"{field} is not a member of this tenant.",
                fields={field: ["Object does not exist."]},
            )


def _ensure_external_id_free(instance, external_id: str) -> None:
    if not external_id:
        return
    clash = type(instance).objects.for_tenant(instance.tenant_id).filter(external_id=external_id)
    if not instance._state.adding:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise Conflict(
            f"external_id '{external_id}' is already used.",
            code=RecruitingErrorCode.DUPLICATE_EXTERNAL_ID,
            fields={"external_id": ["Already in use."]},
        )


def _save(instance) -> None:
    """Save in a savepoint; a unique index that lost a race answers 409, not 500."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        constraint = violated_constraint(exc)
        if constraint == "application_once_per_pair":
            raise _application_exists() from exc
        if not constraint.endswith("_external_id_per_tenant"):
            raise
        raise Conflict(
            "external_id is already used.",
            code=RecruitingErrorCode.DUPLICATE_EXTERNAL_ID,
            fields={"external_id": ["Already in use."]},
        ) from exc


def _application_exists() -> Conflict:
    return Conflict(
        "This candidate has already applied to this requisition.",
        code=RecruitingErrorCode.APPLICATION_EXISTS,
        fields={"candidate": ["Already applied to this requisition."]},
    )


# -- requisitions ---------------------------------------------------------------------


def _check_requisition_refs(*, tenant_id: uuid.UUID, values: dict[str, Any]) -> None:
    ensure_same_tenant(
        tenant_id=tenant_id,
        **{
            k: values[k]
            for k in ("requisition_type", "department", "job_family", "location")
            if k in values
        },
    )
    _ensure_members(tenant_id=tenant_id, **{k: values[k] for k in _USER_FIELDS if k in values})


@transaction.atomic
def requisition_create(
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    title: str,
    requisition_type: RequisitionType,
    department: Department,
    job_family: JobFamily | None = None,
    location: Location | None = None,
    recruiter=None,
    hiring_manager=None,
    openings: int = 1,
    status: str | None = None,
    external_id: str = "",
    opened_at: datetime | None = None,
    filled_at: datetime | None = None,
    is_confidential: bool = False,
) -> Requisition:
    """A new requisition; only a role with `manage_access` opens it as confidential."""
    if is_confidential:
        actor_require(actor, Capability.MANAGE_ACCESS)
    values: dict[str, Any] = {
        "title": title,
        "requisition_type": requisition_type,
        "department": department,
        "job_family": job_family,
        "location": location,
        "recruiter": recruiter,
        "hiring_manager": hiring_manager,
        "openings": openings,
        "external_id": external_id,
        "opened_at": opened_at,
        "filled_at": filled_at,
        "is_confidential": is_confidential,
    }
    if status is not None:
        values["status"] = status
    _check_requisition_refs(tenant_id=tenant_id, values=values)
    requisition = Requisition(tenant_id=tenant_id, **values)
    _ensure_external_id_free(requisition, external_id)
    _save(requisition)
    object_changed(action=CREATED, instance=requisition, actor=actor, fields=values)
    return requisition


@transaction.atomic
def requisition_update(
    *, requisition: Requisition, actor: Actor, changes: dict[str, Any]
) -> Requisition:
    """Apply changes; whether it is confidential is changed only by `manage_access`."""
    if changes.get("is_confidential", requisition.is_confidential) != requisition.is_confidential:
        actor_require(actor, Capability.MANAGE_ACCESS)
    _check_requisition_refs(tenant_id=requisition.tenant_id, values=changes)
    if "external_id" in changes:
        _ensure_external_id_free(requisition, changes["external_id"])
    changed = apply_changes(requisition, changes)
    if changed:
        _save(requisition)
        object_changed(action=UPDATED, instance=requisition, actor=actor, fields=changed)
    return requisition


# -- candidates -----------------------------------------------------------------------


@transaction.atomic
def candidate_create(
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    location: str = "",
    external_id: str = "",
) -> Candidate:
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "phone": phone,
        "location": location,
        "external_id": external_id,
    }
    candidate = Candidate(tenant_id=tenant_id, **values)
    _ensure_external_id_free(candidate, external_id)
    _save(candidate)
    object_changed(action=CREATED, instance=candidate, actor=actor, fields=values)
    return candidate


@transaction.atomic
def candidate_update(*, candidate: Candidate, actor: Actor, changes: dict[str, Any]) -> Candidate:
    if "external_id" in changes:
        _ensure_external_id_free(candidate, changes["external_id"])
    changed = apply_changes(candidate, changes)
    if changed:
        _save(candidate)
        object_changed(action=UPDATED, instance=candidate, actor=actor, fields=changed)
    return candidate


# -- applications ---------------------------------------------------------------------


@transaction.atomic
def application_create(
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    candidate: Candidate,
    requisition: Requisition,
    source: str | None = None,
    hire_type: str | None = None,
    status: str | None = None,
    reject_reason: str = "",
    external_id: str = "",
    applied_at: datetime | None = None,
) -> Application:
    """One application per candidate and requisition: a second one answers 409."""
    ensure_same_tenant(tenant_id=tenant_id, candidate=candidate, requisition=requisition)
    values: dict[str, Any] = {
        "candidate": candidate,
        "requisition": requisition,
        "reject_reason": reject_reason,
        "external_id": external_id,
    }
    for name, value in (
        ("source", source),
        ("hire_type", hire_type),
        ("status", status),
        ("applied_at", applied_at),
    ):
        if value is not None:
            values[name] = value
    if (
        Application.objects.for_tenant(tenant_id)
        .filter(candidate=candidate, requisition=requisition)
        .exists()
    ):
        raise _application_exists()
    application = Application(tenant_id=tenant_id, **values)
    _ensure_external_id_free(application, external_id)
    _save(application)
    object_changed(action=CREATED, instance=application, actor=actor, fields=values)
    publish(
        ApplicationCreated(
            tenant_id=tenant_id,
            application_id=application.pk,
            requisition_id=application.requisition_id,
            actor=actor,
        )
    )
    return application


@transaction.atomic
def application_update(
    *,
    application: Application,
    actor: Actor,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> Application:
    """Apply changes to the version the client saw; a newer one answers 409 STALE_VERSION.

    The row is locked first, so two concurrent writers cannot both pass the check.
    """
    locked = (
        Application.objects.for_tenant(application.tenant_id)
        .select_for_update()
        .get(pk=application.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            f"The application is at version {locked.version}, not {expected_version}.",
            code=RecruitingErrorCode.STALE_VERSION,
            fields={"If-Match": [f"Current version is {locked.version}."]},
        )
    if "external_id" in changes:
        _ensure_external_id_free(locked, changes["external_id"])
    changed = apply_changes(locked, changes)
    if changed:
        locked.version += 1
        _save(locked)
        object_changed(action=UPDATED, instance=locked, actor=actor, fields=changed)
    return locked
