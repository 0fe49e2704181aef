"""Deadline rules of a draft version: what happens when an application's date passes."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db import transaction

from milestones.errors import InvalidConfiguration
from milestones.models import (
    DeadlineAction,
    DeadlineRule,
    FrameworkVersion,
)
from milestones.services.versions.drafts import (
    version_lock,
    version_require_draft,
)
from milestones.services.versions.escalations import validate_recipients

DEADLINE_RULE_FIELDS = ("name", "deadline_kind", "offset", "action", "move_to_code", "notify")


def _validate_rule(*, version: FrameworkVersion, data: dict, current=None) -> None:
    unknown = set(data) - set(DEADLINE_RULE_FIELDS)
    if unknown:
        raise InvalidConfiguration(
            "unknown fields", fields={name: ["unknown field"] for name in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    if "name" in data and not str(data["name"] or "").strip():
        errors["name"] = ["required"]
    if "deadline_kind" in data:
        errors.update(deadline_kind_errors(data["deadline_kind"], "deadline_kind"))
    if "offset" in data and not isinstance(data["offset"], timedelta):
        errors["offset"] = ["must be a duration (negative = before the date)"]
    if "action" in data and data["action"] not in DeadlineAction.values:
        errors["action"] = [f"one of {sorted(DeadlineAction.values)}"]
    if "notify" in data:
        errors.update(validate_recipients(data["notify"]))
    action = data.get("action", current.action if current else None)
    move_to = data.get("move_to_code", current.move_to_code if current else "")
    if action == DeadlineAction.MOVE:
        if not move_to:
            errors["move_to_code"] = ["a move needs the code of the milestone to move to"]
        elif not version.milestones.filter(code=move_to).exists():
            errors["move_to_code"] = [f"{move_to} is not a milestone of this version"]
    elif move_to:
        errors["move_to_code"] = ["only a move names a milestone"]
    if errors:
        raise InvalidConfiguration(
            "invalid deadline rule: " + ", ".join(sorted(errors)), fields=errors
        )


@transaction.atomic
def deadline_rule_create(*, version: FrameworkVersion, **data: Any) -> DeadlineRule:
    """Add a deadline rule to a draft; a move must name a milestone of the version."""
    version = version_lock(version)
    version_require_draft(version)
    for required in ("name", "deadline_kind", "offset", "action"):
        if data.get(required) is None:
            raise InvalidConfiguration(f"{required} is required", fields={required: ["required"]})
    data.setdefault("move_to_code", "")
    _validate_rule(version=version, data=data)
    return DeadlineRule.objects.create(version=version, **data)


@transaction.atomic
def deadline_rule_update(*, rule: DeadlineRule, **data: Any) -> DeadlineRule:
    version = version_lock(rule.version)
    version_require_draft(version)
    _validate_rule(version=version, data=data, current=rule)
    for name, value in data.items():
        setattr(rule, name, value)
    rule.save()
    return rule


@transaction.atomic
def deadline_rule_delete(*, rule: DeadlineRule) -> None:
    version_require_draft(version_lock(rule.version))
    rule.delete()


def deadline_rules_copy(*, source: FrameworkVersion, draft: FrameworkVersion) -> list[DeadlineRule]:
    """Copy a version's deadline rules to a new draft (part of copy-to-draft)."""
    copies = [
        DeadlineRule(
            tenant_id=draft.tenant_id,
            version=draft,
            **{name: getattr(rule, name) for name in DEADLINE_RULE_FIELDS},
        )
        for rule in DeadlineRule.objects.filter(version=source)
    ]
    DeadlineRule.objects.bulk_create(copies)
    return copies


DEADLINE_KIND = re.compile(r"^[a-z][a-z0-9_]{0,99}$")


def deadline_kind_errors(kind: Any, field: str) -> dict[str, list[str]]:
    if not isinstance(kind, str) or not DEADLINE_KIND.match(kind):
        return {field: ["lower-case snake_case such as offer_expires_at"]}
    return {}
