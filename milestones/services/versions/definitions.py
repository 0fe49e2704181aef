"""The milestones of a draft version: validated, ordered, copied."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import re2
from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_update_with_history

from milestones.core.gates import gate_fields_needed, gate_validate
from milestones.errors import (
    InvalidConfiguration,
)
from milestones.errors import MilestoneErrorCode as Code
from milestones.models import (
    FrameworkVersion,
    MilestoneDefinition,
    MilestoneKind,
)
from milestones.selectors import milestone_settings_get
from milestones.services.versions.drafts import version_lock, version_require_draft
from milestones.services.versions.frameworks import code_pattern_compile
from recruiting.models import Application, Candidate, HireType
from tenants.models import Role

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
        try:
            compiled = code_pattern_compile(pattern)
        except re2.error:  # saved before patterns were RE2: refuse, never backtrack
            raise InvalidConfiguration(
                f"this tenant's code pattern {pattern} is not supported any more; an admin "
                "must set a new one in the milestone settings",
                code=Code.INVALID_MILESTONE_CODE,
                fields={"code": [f"cannot be checked against {pattern}"]},
            ) from None
        if not compiled.fullmatch(code):
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
    version = version_lock(version)
    version_require_draft(version)
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
    version = version_lock(definition.version)
    version_require_draft(version)
    _validate_definition(version=version, data=data, exclude=definition)
    for name, value in data.items():
        if name not in DEFINITION_FIELDS:
            raise InvalidConfiguration("unknown field", fields={name: ["unknown field"]})
        setattr(definition, name, value)
    definition.save()
    return definition


@transaction.atomic
def milestone_definition_delete(*, definition: MilestoneDefinition) -> None:
    version = version_lock(definition.version)
    version_require_draft(version)
    definition.delete()


@transaction.atomic
def milestone_definitions_reorder(
    *, version: FrameworkVersion, codes: list[str]
) -> list[MilestoneDefinition]:
    """Put a draft's milestones in the order of `codes`, which must name each one once."""
    version = version_lock(version)
    version_require_draft(version)
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
