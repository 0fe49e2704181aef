"""The version lifecycle: draft -> pilot (listed departments) -> active -> retired.

Only a draft changes; a published version is edited by copying it to a new draft.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from milestones.errors import (
    ConfigurationRefused,
    InvalidConfiguration,
)
from milestones.errors import MilestoneErrorCode as Code
from milestones.models import (
    Framework,
    FrameworkVersion,
    FrameworkVersionPilotDepartment,
    MilestoneDefinition,
    VersionStatus,
)
from milestones.selectors import framework_version_resolve
from milestones.services.versions.automation_rules import automation_rules_copy
from milestones.services.versions.deadlines import deadline_rules_copy
from milestones.services.versions.definitions import DEFINITION_FIELDS
from milestones.services.versions.drafts import version_lock
from milestones.services.versions.escalations import escalation_rules_copy
from recruiting.models import Requisition
from tenants.models import Department


def _next_number(framework: Framework) -> int:
    return (framework.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def _lock_framework(framework_id) -> Framework:
    return Framework.objects.select_for_update().get(pk=framework_id)


@transaction.atomic
def framework_version_create_draft(*, framework: Framework) -> FrameworkVersion:
    framework = _lock_framework(framework.pk)
    return FrameworkVersion.objects.create(framework=framework, number=_next_number(framework))


@transaction.atomic
def framework_version_copy_to_draft(*, version: FrameworkVersion) -> FrameworkVersion:
    """A new draft with the same milestones, automation rules, escalation levels and
    deadline rules: the only way to change a published version."""
    framework = _lock_framework(version.framework_id)
    draft = FrameworkVersion.objects.create(
        framework=framework, number=_next_number(framework), copied_from=version
    )
    copies = [
        MilestoneDefinition(
            tenant_id=draft.tenant_id,
            version=draft,
            order=definition.order,
            **{name: getattr(definition, name) for name in DEFINITION_FIELDS},
        )
        for definition in version.milestones.order_by("order")
    ]
    bulk_create_with_history(copies, MilestoneDefinition)
    automation_rules_copy(source=version, draft=draft)
    escalation_rules_copy(
        source_milestones=list(version.milestones.all()), target_milestones=copies
    )
    deadline_rules_copy(source=version, draft=draft)
    return draft


def _validate_for_publication(version: FrameworkVersion) -> None:
    definitions = list(version.milestones.order_by("order"))
    if not definitions:
        raise ConfigurationRefused("a version needs milestones to publish", code=Code.VERSION_EMPTY)
    seen: set[str] = set()
    problems: dict[str, list[str]] = {}
    for definition in definitions:
        for gate in definition.gate_conditions or []:
            if gate.get("type") == "milestone_completed" and gate.get("code") not in seen:
                problems.setdefault(f"milestones.{definition.code}.gate_conditions", []).append(
                    f"{gate.get('code')} is not an earlier milestone"
                )
        seen.add(definition.code)
    if problems:
        raise InvalidConfiguration(
            "gate conditions name milestones that do not come earlier",
            code=Code.INVALID_GATE_CONDITION,
            fields=problems,
        )


def _retire_current(*, framework: Framework, status: str, now: datetime) -> None:
    for old in FrameworkVersion.objects.filter(framework=framework, status=status):
        old.status = VersionStatus.RETIRED
        old.retired_at = now
        old.save(update_fields=["status", "retired_at", "updated_at"])


@transaction.atomic
def framework_version_publish(
    *, version: FrameworkVersion, now: datetime | None = None
) -> FrameworkVersion:
    """Make a draft or pilot the active version, retiring the one active before.
    Requisitions already pinned stay on their version."""
    framework = _lock_framework(version.framework_id)
    version = version_lock(version)
    if not version.is_publishable:
        raise ConfigurationRefused(
            f"a {version.status} version cannot be published",
            code=Code.INVALID_STATUS_CHANGE,
        )
    _validate_for_publication(version)
    now = now or timezone.now()
    _retire_current(framework=framework, status=VersionStatus.ACTIVE, now=now)
    version.status = VersionStatus.ACTIVE
    version.published_at = version.published_at or now
    version.save(update_fields=["status", "published_at", "updated_at"])
    return version


@transaction.atomic
def framework_version_pilot(
    *, version: FrameworkVersion, department_ids: Iterable[uuid.UUID], now: datetime | None = None
) -> FrameworkVersion:
    """Publish a draft for some departments only; a pilot running before is retired."""
    framework = _lock_framework(version.framework_id)
    version = version_lock(version)
    if version.status != VersionStatus.DRAFT:
        raise ConfigurationRefused(
            f"only a draft can start a pilot; this version is {version.status}",
            code=Code.INVALID_STATUS_CHANGE,
        )
    ids = set(department_ids)
    if not ids:
        raise InvalidConfiguration(
            "a pilot needs departments", fields={"department_ids": ["list at least one"]}
        )
    found = set(Department.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if ids - found:
        raise InvalidConfiguration(
            "unknown department",
            fields={"department_ids": [f"no such department: {m}" for m in sorted(ids - found)]},
        )
    _validate_for_publication(version)
    now = now or timezone.now()
    _retire_current(framework=framework, status=VersionStatus.PILOT, now=now)
    FrameworkVersionPilotDepartment.objects.bulk_create(
        FrameworkVersionPilotDepartment(
            tenant_id=version.tenant_id, version=version, department_id=department_id
        )
        for department_id in ids
    )
    version.status = VersionStatus.PILOT
    version.published_at = now
    version.save(update_fields=["status", "published_at", "updated_at"])
    return version


@transaction.atomic
def framework_version_retire(
    *, version: FrameworkVersion, now: datetime | None = None
) -> FrameworkVersion:
    """No new requisition is pinned to a retired version; pinned ones continue on it."""
    version = version_lock(version)
    if version.status not in (VersionStatus.PILOT, VersionStatus.ACTIVE):
        raise ConfigurationRefused(
            f"a {version.status} version cannot be retired", code=Code.INVALID_STATUS_CHANGE
        )
    version.status = VersionStatus.RETIRED
    version.retired_at = now or timezone.now()
    version.save(update_fields=["status", "retired_at", "updated_at"])
    return version


@transaction.atomic
def requisition_framework_version_pin(*, requisition_id: uuid.UUID) -> FrameworkVersion | None:
    """Fix the version a requisition follows (once): the pilot for its department if one
    runs, else the active version of its type's framework. Call it when it opens."""
    requisition = Requisition.objects.select_for_update(of=("self",)).get(pk=requisition_id)
    if requisition.framework_version_id:
        return requisition.framework_version
    version = framework_version_resolve(
        requisition_type_id=requisition.requisition_type_id,
        department_id=requisition.department_id,
    )
    if version is not None:
        requisition.framework_version = version
        requisition.save(update_fields=["framework_version", "updated_at"])
    return version
