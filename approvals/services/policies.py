"""Approval policies: created and edited (every edit is a new version) by admins."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from approvals import core
from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.models import ApprovalPolicy, ApprovalPolicyVersion, SubjectKind
from audit.services import audit_record
from notifications.services import user_ids_with_capability
from tenants.actors import Actor
from tenants.permissions import Capability, actor_require

E = ApprovalErrorCode
AUDIT_OBJECT_POLICY = "approvals.ApprovalPolicy"


def _problems_raise(problems: list[tuple[str, str]], code=E.INVALID_POLICY) -> None:
    if problems:
        fields: dict[str, list[str]] = {}
        for path, message in problems:
            fields.setdefault(path, []).append(message)
        first = problems[0]
        raise ApprovalError(code, f"{first[0]}: {first[1]}", fields=fields)


def _named_user_problems(steps: list) -> list[tuple[str, str]]:
    """A named approver must hold `approve` in this tenant (one query)."""
    named = [
        (f"steps[{i}].approvers[{j}].user", approver["user"])
        for i, step in enumerate(steps)
        for j, approver in enumerate(step["approvers"])
        if "user" in approver
    ]
    allowed = user_ids_with_capability(Capability.APPROVE, user_ids={u for _, u in named})
    return [
        (path, "this person may not approve in this tenant")
        for path, u in named
        if u not in allowed
    ]


def _check(*, conditions: Any, steps: Any, extends: ApprovalPolicy | None) -> None:
    _problems_raise(core.condition_problems(conditions, "conditions") + core.steps_problems(steps))
    _problems_raise(_named_user_problems(steps))
    if extends is not None:
        template = extends.current_version
        _problems_raise(
            core.extension_problems(template.steps if template else [], steps),
            E.EXTENSION_WEAKENS_TEMPLATE,
        )


def _audit(action: str, policy: ApprovalPolicy, actor: Actor, **data) -> None:
    audit_record(
        action=action,
        tenant_id=policy.tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_POLICY,
        object_id=policy.pk,
        data={"name": policy.name, **data},
    )


@transaction.atomic
def approval_policy_create(
    *,
    actor: Actor,
    name: str,
    subject_kind: str,
    steps: list,
    conditions: dict | None = None,
    position: int = 100,
    department=None,
    extends: ApprovalPolicy | None = None,
    is_active: bool = True,
) -> ApprovalPolicy:
    """A policy and its version 1 (an inactive one is never chosen until activated). A
    department's extension (`extends` a tenant-wide template) may only add steps or make
    the template's stricter (400 otherwise)."""
    actor_require(actor, Capability.CONFIGURE_WORKFLOWS)
    conditions = conditions or {}
    problems = []
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        problems.append(("name", "a name of 1 to 200 characters"))
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= 100000:
        problems.append(("position", "a whole number from 0 to 100000"))
    if subject_kind not in SubjectKind.values:
        problems.append(("subject_kind", f"one of {', '.join(SubjectKind.values)}"))
    if extends is not None:
        if department is None:
            problems.append(("department", "an extension belongs to a department"))
        if extends.department_id is not None or extends.subject_kind != subject_kind:
            problems.append(("extends", "extends a tenant-wide template of the same kind"))
    _problems_raise(problems)
    _check(conditions=conditions, steps=steps, extends=extends)
    policy = ApprovalPolicy.objects.create(
        name=name.strip(),
        subject_kind=subject_kind,
        position=position,
        department=department,
        extends=extends,
        is_active=is_active,
    )
    version = ApprovalPolicyVersion.objects.create(
        policy=policy, number=1, conditions=conditions, steps=steps, created_by_id=actor.user_id
    )
    policy.current_version = version
    policy.save(update_fields=["current_version", "updated_at"])
    _audit("approval_policy.created", policy, actor, version=1)
    return policy


@transaction.atomic
def approval_policy_update(
    *,
    policy: ApprovalPolicy,
    actor: Actor,
    steps: list | None = None,
    conditions: dict | None = None,
    name: str | None = None,
    position: int | None = None,
    is_active: bool | None = None,
) -> ApprovalPolicy:
    """Edit a policy. New steps or conditions make a new version (rounds already started
    keep theirs); name, position and active flag change the policy itself."""
    actor_require(actor, Capability.CONFIGURE_WORKFLOWS)
    locked = (
        ApprovalPolicy.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=policy.pk)
    )
    current = locked.current_version
    if name is not None:
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            _problems_raise([("name", "a name of 1 to 200 characters")])
        locked.name = name.strip()
    if position is not None:
        if (
            not isinstance(position, int)
            or isinstance(position, bool)
            or not 0 <= position <= 100000
        ):
            _problems_raise([("position", "a whole number from 0 to 100000")])
        locked.position = position
    if is_active is not None:
        locked.is_active = is_active
    new_steps = current.steps if steps is None else steps
    new_conditions = current.conditions if conditions is None else conditions
    changed_terms = new_steps != current.steps or new_conditions != current.conditions
    if changed_terms:
        _check(conditions=new_conditions, steps=new_steps, extends=locked.extends)
        locked.current_version = ApprovalPolicyVersion.objects.create(
            policy=locked,
            number=current.number + 1,
            conditions=new_conditions,
            steps=new_steps,
            created_by_id=actor.user_id,
        )
    locked.save()
    _audit(
        "approval_policy.updated",
        locked,
        actor,
        version=locked.current_version.number,
        new_version=changed_terms,
    )
    return locked
