"""Designing automation rules: they belong to a version and change only on a draft."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from milestones.core.conditions import validate
from milestones.core.rules import AUTO_ADVANCE
from milestones.errors import InvalidConfiguration, MilestoneErrorCode
from milestones.models import AlertRecipient, AutomationRule, AutomationRuleKind, FrameworkVersion
from milestones.services.versions.drafts import (
    version_lock,
    version_require_draft,
)

Code = MilestoneErrorCode
RULE_FIELDS = (
    "kind",
    "name",
    "milestone_code",
    "event_type",
    "conditions",
    "alert_recipients",
    "order",
    "is_enabled",
)
_TEXT_LIMITS = {"name": 200, "event_type": 100}


def _validate_rule(*, version: FrameworkVersion, data: dict[str, Any]) -> dict[str, Any]:
    """The rule's fields as the model stores them; raises InvalidConfiguration naming
    each bad field (a bad condition by its path, e.g. `conditions.all[1].op`)."""
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise InvalidConfiguration(
            "unknown fields", fields={name: ["unknown field"] for name in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind not in AutomationRuleKind.values:
        errors["kind"] = [f"must be one of {AutomationRuleKind.values}"]
    for name, limit in _TEXT_LIMITS.items():
        value = data.get(name, "")
        if not isinstance(value, str) or len(value) > limit:
            errors[name] = [f"must be text of at most {limit} characters"]
    if not str(data.get("name") or "").strip():
        errors["name"] = ["a rule needs a name"]
    if kind == AUTO_ADVANCE and not str(data.get("event_type") or "").strip():
        errors["event_type"] = ["an auto-advance rule needs the event type it waits for"]
    milestone = version.milestones.filter(code=data.get("milestone_code")).first()
    if milestone is None:
        errors["milestone_code"] = [
            f"{data.get('milestone_code')!r} is not a milestone of version {version.number}"
        ]
    recipients = data.get("alert_recipients", [AlertRecipient.RECRUITER])
    if not isinstance(recipients, list) or set(map(str, recipients)) - set(AlertRecipient.values):
        errors["alert_recipients"] = [f"a list drawn from {AlertRecipient.values}"]
    order = data.get("order", 0)
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        errors["order"] = ["a whole number, 0 or more"]
    if errors:
        raise InvalidConfiguration("invalid rule: " + ", ".join(sorted(errors)), fields=errors)
    problems = validate(data.get("conditions", {}))
    if problems:
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem.path, []).append(problem.message)
        raise InvalidConfiguration(
            f"invalid condition at {problems[0].path}: {problems[0].message}",
            code=Code.INVALID_CONDITION,
            fields=fields,
        )
    stored = {name: data[name] for name in RULE_FIELDS if name in data and name != "milestone_code"}
    stored["milestone"] = milestone
    return stored


def _current(rule: AutomationRule) -> dict[str, Any]:
    return {
        "kind": rule.kind,
        "name": rule.name,
        "milestone_code": rule.milestone.code,
        "event_type": rule.event_type,
        "conditions": rule.conditions,
        "alert_recipients": rule.alert_recipients,
        "order": rule.order,
        "is_enabled": rule.is_enabled,
    }


@transaction.atomic
def automation_rule_create(*, version: FrameworkVersion, **data: Any) -> AutomationRule:
    """Add a rule to a draft. Conditions are validated here so a bad one fails on save,
    never at run time; `order` defaults to after the version's last rule."""
    version = version_lock(version)
    version_require_draft(version)
    if "order" not in data:
        data["order"] = (version.automation_rules.aggregate(top=Max("order"))["top"] or 0) + 1
    data.setdefault("conditions", {})
    data.setdefault("event_type", "")
    stored = _validate_rule(version=version, data=data)
    return AutomationRule.objects.create(version=version, **stored)


@transaction.atomic
def automation_rule_update(*, rule: AutomationRule, **data: Any) -> AutomationRule:
    """Change a draft's rule; the whole rule is validated again as it would be saved."""
    version = version_lock(rule.version)
    version_require_draft(version)
    stored = _validate_rule(version=version, data={**_current(rule), **data})
    for name, value in stored.items():
        setattr(rule, name, value)
    rule.save()
    return rule


@transaction.atomic
def automation_rule_delete(*, rule: AutomationRule) -> None:
    version = version_lock(rule.version)
    version_require_draft(version)
    rule.delete()


def automation_rules_copy(*, source: FrameworkVersion, draft: FrameworkVersion) -> None:
    """Copy a version's rules to its new draft, each onto the draft's milestone of the
    same code (called by framework_version_copy_to_draft, inside its transaction)."""
    milestones = {definition.code: definition for definition in draft.milestones.all()}
    copies = [
        AutomationRule(
            tenant_id=draft.tenant_id,
            version=draft,
            milestone=milestones[rule.milestone.code],
            kind=rule.kind,
            name=rule.name,
            event_type=rule.event_type,
            conditions=rule.conditions,
            alert_recipients=rule.alert_recipients,
            order=rule.order,
            is_enabled=rule.is_enabled,
        )
        for rule in source.automation_rules.select_related("milestone")
    ]
    bulk_create_with_history(copies, AutomationRule)
