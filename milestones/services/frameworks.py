"""Designing frameworks: versions, their milestones, and the version lifecycle.

draft -> pilot (listed departments) -> active -> retired. Only a draft changes; a
published version is edited by copying it to a new draft.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from recruiting.models import Application, Candidate, HireType, Requisition
from tenants.models import Department, RequisitionType, Role

from ..errors import (
    ConfigurationRefused,
    InvalidConfiguration,
    MilestoneErrorCode,
)
from ..gates import gate_fields_needed, gate_validate
from ..models import (
    DEFAULT_CODE_PATTERN,
    Framework,
    FrameworkRequisitionType,
    FrameworkVersion,
    FrameworkVersionPilotDepartment,
    MilestoneDefinition,
    MilestoneKind,
    MilestoneSettings,
    VersionStatus,
)
from ..selectors import framework_version_resolve

Code = MilestoneErrorCode

# Fields of a definition that a draft may set, and that a copy carries over.
DEFINITION_FIELDS = (
    "code",
    "name",
    "description",
    "kind",
    "mandatory",
    "sla",
    "gate_conditions",
    "bypass_hire_types",
    "bypass_approver_roles",
    "bypass_reason_required",
    "compliance_tags",
    "is_sensitive",
    "hris_status",
    "terminal_kind",
)


# -- settings -----------------------------------------------------------------------------


def milestone_settings_get() -> MilestoneSettings:
    """The tenant's settings, or the defaults when it never saved any."""
    return MilestoneSettings.objects.first() or MilestoneSettings(code_pattern=DEFAULT_CODE_PATTERN)


@transaction.atomic
def milestone_settings_update(*, code_pattern: str) -> MilestoneSettings:
    try:
        re.compile(code_pattern)
    except re.error as exc:
        raise InvalidConfiguration(
            f"not a valid regular expression: {exc}", fields={"code_pattern": [str(exc)]}
        ) from exc
    settings = MilestoneSettings.objects.select_for_update().first() or MilestoneSettings()
    settings.code_pattern = code_pattern
    settings.save()
    return settings


# -- frameworks ---------------------------------------------------------------------------


def _link_requisition_types(*, framework: Framework, requisition_type_ids: Iterable[uuid.UUID]):
    ids = set(requisition_type_ids)
    found = set(RequisitionType.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = ids - found
    if missing:
        raise InvalidConfiguration(
            "unknown requisition type",
            fields={"requisition_type_ids": [f"no such requisition type: {m}" for m in missing]},
        )
    taken = list(
        FrameworkRequisitionType.objects.filter(requisition_type_id__in=ids)
        .exclude(framework=framework)
        .values_list("requisition_type__code", "framework__name")
    )
    if taken:
        raise InvalidConfiguration(
            "a requisition type follows one framework only",
            code=Code.REQUISITION_TYPE_TAKEN,
            fields={
                "requisition_type_ids": [f"{code} already follows {name}" for code, name in taken]
            },
        )
    FrameworkRequisitionType.objects.filter(framework=framework).exclude(
        requisition_type_id__in=ids
    ).delete()
    have = set(framework.type_links.values_list("requisition_type_id", flat=True))
    FrameworkRequisitionType.objects.bulk_create(
        FrameworkRequisitionType(
            tenant_id=framework.tenant_id, framework=framework, requisition_type_id=type_id
        )
        for type_id in ids - have
    )


def _unique_name(*, name: str, exclude: Framework | None = None) -> None:
    clash = Framework.objects.filter(name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise InvalidConfiguration(
            "a framework with this name exists", fields={"name": ["already used"]}
        )


@transaction.atomic
def framework_create(
    *, name: str, description: str = "", requisition_type_ids: Iterable[uuid.UUID] = ()
) -> Framework:
    _unique_name(name=name)
    framework = Framework.objects.create(name=name, description=description)
    _link_requisition_types(framework=framework, requisition_type_ids=requisition_type_ids)
    return framework


@transaction.atomic
def framework_update(
    *,
    framework: Framework,
    name: str | None = None,
    description: str | None = None,
    requisition_type_ids: Iterable[uuid.UUID] | None = None,
) -> Framework:
    if name is not None and name != framework.name:
        _unique_name(name=name, exclude=framework)
        framework.name = name
    if description is not None:
        framework.description = description
    framework.save()
    if requisition_type_ids is not None:
        _link_requisition_types(framework=framework, requisition_type_ids=requisition_type_ids)
    return framework


@transaction.atomic
def framework_delete(*, framework: Framework) -> None:
    """Only a framework that never published a version may go (history depends on it)."""
    if framework.versions.exclude(status=VersionStatus.DRAFT).exists():
        raise ConfigurationRefused(
            "a framework with published versions cannot be deleted; retire its versions",
            code=Code.VERSION_NOT_EDITABLE,
        )
    framework.versions.all().delete()
    framework.delete()


# -- versions -----------------------------------------------------------------------------


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
    from .automation_rules import automation_rules_copy  # it builds on this module
    from .deadlines import deadline_rules_copy
    from .escalations import escalation_rules_copy

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


def _require_draft(version: FrameworkVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ConfigurationRefused(
            f"version {version.number} is {version.status} and cannot change; "
            "copy it to a new draft instead",
            code=Code.VERSION_NOT_EDITABLE,
        )


def _lock_version(version: FrameworkVersion) -> FrameworkVersion:
    return FrameworkVersion.objects.select_for_update().get(pk=version.pk)


def _gate_field_names() -> set[str]:
    """What a required_fields gate may name: the concrete fields of application/candidate."""
    return {
        f"{prefix}.{field.name}"
        for prefix, model in (("application", Application), ("candidate", Candidate))
        for field in model._meta.concrete_fields
    }


def _validate_definition(
    *, version: FrameworkVersion, data: dict[str, Any], exclude: MilestoneDefinition | None = None
) -> None:
    errors: dict[str, list[str]] = {}
    code = data.get("code")
    if code is not None:
        pattern = milestone_settings_get().code_pattern
        if not re.fullmatch(pattern, code):
            raise InvalidConfiguration(
                f"milestone code {code!r} does not follow this tenant's convention {pattern}",
                code=Code.INVALID_MILESTONE_CODE,
                fields={"code": [f"must match {pattern}"]},
            )
        clash = version.milestones.filter(code=code)
        if exclude is not None:
            clash = clash.exclude(pk=exclude.pk)
        if clash.exists():
            raise InvalidConfiguration(
                f"milestone code {code!r} is already used in this version",
                code=Code.DUPLICATE_MILESTONE_CODE,
                fields={"code": [f"{code} is already used in this version"]},
            )
    gates = data.get("gate_conditions")
    if gates is not None:
        if not isinstance(gates, list):
            errors["gate_conditions"] = ["must be a list of gate conditions"]
        else:
            problems = [f"{i}: {p}" for i, gate in enumerate(gates) for p in gate_validate(gate)]
            if not problems:
                unknown = sorted(gate_fields_needed(gates) - _gate_field_names())
                problems = [f"unknown field {name}" for name in unknown]
            if problems:
                raise InvalidConfiguration(
                    "invalid gate condition",
                    code=Code.INVALID_GATE_CONDITION,
                    fields={"gate_conditions": problems},
                )
    for name, allowed in (
        ("bypass_hire_types", set(HireType.values)),
        ("bypass_approver_roles", set(Role.values)),
    ):
        values = data.get(name)
        if values is not None:
            unknown = sorted(set(values) - allowed)
            if unknown:
                errors[name] = [f"unknown values {unknown}; allowed: {sorted(allowed)}"]
    tags = data.get("compliance_tags")
    if tags is not None and not all(isinstance(t, str) and t for t in tags):
        errors["compliance_tags"] = ["must be a list of non-empty strings"]
    kind = data.get("kind", exclude.kind if exclude else None)
    sla = data.get("sla", exclude.sla if exclude else None)
    if kind == MilestoneKind.TIME_BASED and not sla:
        errors["sla"] = ["a time-based milestone needs an SLA duration"]
    if isinstance(sla, timedelta) and sla <= timedelta(0):
        errors["sla"] = ["must be positive"]
    if errors:
        raise InvalidConfiguration("invalid milestone: " + ", ".join(sorted(errors)), fields=errors)


@transaction.atomic
def milestone_definition_create(*, version: FrameworkVersion, **data: Any) -> MilestoneDefinition:
    """Append a milestone to a draft (use reorder to move it)."""
    version = _lock_version(version)
    _require_draft(version)
    unknown = set(data) - set(DEFINITION_FIELDS)
    if unknown:
        raise InvalidConfiguration("unknown fields", fields={f: ["unknown field"] for f in unknown})
    _validate_definition(version=version, data=data)
    order = (version.milestones.aggregate(top=Max("order"))["top"] or 0) + 1
    return MilestoneDefinition.objects.create(version=version, order=order, **data)


@transaction.atomic
def milestone_definition_update(
    *, definition: MilestoneDefinition, **data: Any
) -> MilestoneDefinition:
    version = _lock_version(definition.version)
    _require_draft(version)
    _validate_definition(version=version, data=data, exclude=definition)
    for name, value in data.items():
        if name not in DEFINITION_FIELDS:
            raise InvalidConfiguration("unknown field", fields={name: ["unknown field"]})
        setattr(definition, name, value)
    definition.save()
    return definition


@transaction.atomic
def milestone_definition_delete(*, definition: MilestoneDefinition) -> None:
    version = _lock_version(definition.version)
    _require_draft(version)
    definition.delete()


@transaction.atomic
def milestone_definitions_reorder(
    *, version: FrameworkVersion, codes: list[str]
) -> list[MilestoneDefinition]:
    """Put a draft's milestones in the order of `codes`, which must name each one once."""
    version = _lock_version(version)
    _require_draft(version)
    definitions = {d.code: d for d in version.milestones.all()}
    if len(codes) != len(set(codes)) or set(codes) != set(definitions):
        raise InvalidConfiguration(
            "codes must list every milestone of the version exactly once",
            fields={"codes": [f"expected each of {sorted(definitions)} once"]},
        )
    ordered = []
    for position, code in enumerate(codes, start=1):
        definition = definitions[code]
        definition.order = position
        ordered.append(definition)
    bulk_update_with_history(ordered, MilestoneDefinition, ["order"])
    return ordered


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
    version = _lock_version(version)
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
    version = _lock_version(version)
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
    version = _lock_version(version)
    if version.status not in (VersionStatus.PILOT, VersionStatus.ACTIVE):
        raise ConfigurationRefused(
            f"a {version.status} version cannot be retired", code=Code.INVALID_STATUS_CHANGE
        )
    version.status = VersionStatus.RETIRED
    version.retired_at = now or timezone.now()
    version.save(update_fields=["status", "retired_at", "updated_at"])
    return version


# -- pinning ------------------------------------------------------------------------------


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
