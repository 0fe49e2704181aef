"""Frameworks and the tenant's milestone settings: what a version belongs to."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import re2
from django.db import transaction

from milestones.errors import (
    ConfigurationRefused,
    InvalidConfiguration,
)
from milestones.errors import MilestoneErrorCode as Code
from milestones.models import (
    Framework,
    FrameworkRequisitionType,
    MilestoneSettings,
    VersionStatus,
)
from tenants.models import RequisitionType


def milestone_settings_lock() -> MilestoneSettings:
    """The tenant's settings row locked for a write (a new one if it never saved any)."""
    return MilestoneSettings.objects.select_for_update().first() or MilestoneSettings()


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


def code_pattern_compile(pattern: str):
    """The tenant's milestone code pattern in RE2, whose matching takes time linear in the
    code: Python's backtracking engine spends seconds on `^(A+)+$` against a 26-letter
    code. RE2 refuses what needs backtracking (backreferences, lookaround): re2.error."""
    return re2.compile(pattern, options=_RE2_OPTIONS)


def _re2_message(exc: Exception) -> str:
    detail = exc.args[0] if exc.args else exc
    return detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)


@transaction.atomic
def milestone_settings_update(*, code_pattern: str) -> MilestoneSettings:
    """A code pattern must compile in RE2: no backreferences or lookaround."""
    try:
        code_pattern_compile(code_pattern)
    except re2.error as exc:
        message = (
            f"not a regular expression this API supports ({_re2_message(exc)}); use RE2 "
            "syntax: no backreferences or lookaround"
        )
        raise InvalidConfiguration(message, fields={"code_pattern": [message]}) from exc
    settings = milestone_settings_lock()
    settings.code_pattern = code_pattern
    settings.save()
    return settings


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
