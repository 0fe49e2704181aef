"""Escalation levels of a draft version's milestones, and who they notify."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min

from milestones.core.timers import EscalationLevel
from milestones.errors import InvalidConfiguration
from milestones.models import (
    AlertRecipient,
    EscalationRule,
    MilestoneDefinition,
)
from milestones.services.versions.drafts import (
    version_lock,
    version_require_draft,
)

ESCALATION_FIELDS = ("level", "after", "business_hours", "notify", "mark_overdue")


MAX_LEVEL = 20


def validate_recipients(notify: Any, *, field: str = "notify") -> dict[str, list[str]]:
    """Errors (by field) of a recipient list: known names of AlertRecipient only."""
    if not isinstance(notify, list | tuple) or not all(isinstance(n, str) for n in notify):
        return {field: ["must be a list of recipient names"]}
    unknown = sorted(set(notify) - set(AlertRecipient.values))
    if unknown:
        return {field: [f"unknown recipients {unknown}; allowed: {sorted(AlertRecipient.values)}"]}
    return {}


def _validate_level(*, milestone: MilestoneDefinition, data: dict, exclude=None) -> None:
    unknown = set(data) - set(ESCALATION_FIELDS)
    if unknown:
        raise InvalidConfiguration(
            "unknown fields", fields={name: ["unknown field"] for name in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    level = data.get("level")
    if level is not None:
        if not isinstance(level, int) or not 1 <= level <= MAX_LEVEL:
            errors["level"] = [f"must be a whole number from 1 to {MAX_LEVEL}"]
        else:
            clash = EscalationRule.objects.filter(milestone=milestone, level=level)
            if exclude is not None:
                clash = clash.exclude(pk=exclude.pk)
            if clash.exists():
                errors["level"] = [f"level {level} already exists for {milestone.code}"]
    after = data.get("after")
    if after is not None and (not isinstance(after, timedelta) or after <= timedelta(0)):
        errors["after"] = ["must be a positive duration"]
    if "notify" in data:
        errors.update(validate_recipients(data["notify"]))
    if errors:
        raise InvalidConfiguration(
            "invalid escalation level: " + ", ".join(sorted(errors)), fields=errors
        )


def _keep_first_escalation(milestone: MilestoneDefinition) -> None:
    first = EscalationRule.objects.filter(milestone=milestone).aggregate(first=Min("after"))
    if milestone.first_escalation_after != first["first"]:
        milestone.first_escalation_after = first["first"]
        milestone.save(update_fields=["first_escalation_after", "updated_at"])


@transaction.atomic
def escalation_rule_create(*, milestone: MilestoneDefinition, **data: Any) -> EscalationRule:
    """Add a level to a draft's milestone: `after` the stay began (business time when
    `business_hours`) notify `notify` and optionally mark the stay overdue."""
    version_require_draft(version_lock(milestone.version))
    for required in ("level", "after"):
        if data.get(required) is None:
            raise InvalidConfiguration(f"{required} is required", fields={required: ["required"]})
    _validate_level(milestone=milestone, data=data)
    rule = EscalationRule.objects.create(milestone=milestone, **data)
    _keep_first_escalation(milestone)
    return rule


@transaction.atomic
def escalation_rule_update(*, rule: EscalationRule, **data: Any) -> EscalationRule:
    milestone = rule.milestone
    version_require_draft(version_lock(milestone.version))
    _validate_level(milestone=milestone, data=data, exclude=rule)
    for name, value in data.items():
        setattr(rule, name, value)
    rule.save()
    _keep_first_escalation(milestone)
    return rule


@transaction.atomic
def escalation_rule_delete(*, rule: EscalationRule) -> None:
    milestone = rule.milestone
    version_require_draft(version_lock(milestone.version))
    rule.delete()
    _keep_first_escalation(milestone)


def escalation_rules_copy(*, source_milestones, target_milestones) -> list[EscalationRule]:
    """Copy the levels of `source_milestones` onto the same codes in `target_milestones`
    (a new draft) and keep each target's first_escalation_after. Part of copy-to-draft."""
    targets = {m.code: m for m in target_milestones}
    copies = [
        EscalationRule(
            tenant_id=rule.tenant_id,
            milestone=targets[rule.milestone.code],
            **{name: getattr(rule, name) for name in ESCALATION_FIELDS},
        )
        for rule in EscalationRule.objects.filter(milestone__in=source_milestones).select_related(
            "milestone"
        )
        if rule.milestone.code in targets
    ]
    EscalationRule.objects.bulk_create(copies)
    for source in source_milestones:
        target = targets.get(source.code)
        if target is not None and target.first_escalation_after != source.first_escalation_after:
            target.first_escalation_after = source.first_escalation_after
            target.save(update_fields=["first_escalation_after", "updated_at"])
    return copies


def escalation_level_of(rule: EscalationRule) -> EscalationLevel:
    """The pure view of a rule (what the sweep and the sandbox compute with)."""
    return EscalationLevel(
        level=rule.level,
        after=rule.after,
        business_hours=rule.business_hours,
        notify=tuple(rule.notify or ()),
        mark_overdue=rule.mark_overdue,
    )
