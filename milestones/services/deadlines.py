"""Calendar deadlines: rules of a version, dates of an application, and their firings.

A rule says "at the `deadline_kind` date plus `offset`, remind / alert / move". Setting a
date on an application (re)creates one firing per matching rule of its pinned version;
the sweep fires each once. Moving the date re-schedules firings not yet fired; a firing
already fired stays as it was (a rule fires once per application and kind).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from audit.services import audit_application
from recruiting.models import Application, ApplicationStatus

from ..errors import InvalidConfiguration, MilestoneErrorCode, TransitionRefused
from ..models import (
    ApplicationDeadline,
    DeadlineAction,
    DeadlineFiring,
    DeadlineRule,
    FrameworkVersion,
)
from ..timers import deadline_fires_at
from .escalations import validate_recipients
from .frameworks import _lock_version, _require_draft

DEADLINE_RULE_FIELDS = ("name", "deadline_kind", "offset", "action", "move_to_code", "notify")
DEADLINE_KIND = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
AUDIT_DEADLINE_SET = "deadline.set"
AUDIT_DEADLINE_CLEARED = "deadline.cleared"


def _kind_errors(kind: Any, field: str) -> dict[str, list[str]]:
    if not isinstance(kind, str) or not DEADLINE_KIND.match(kind):
        return {field: ["lower-case snake_case such as offer_expires_at"]}
    return {}


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
        errors.update(_kind_errors(data["deadline_kind"], "deadline_kind"))
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
    version = _lock_version(version)
    _require_draft(version)
    for required in ("name", "deadline_kind", "offset", "action"):
        if data.get(required) is None:
            raise InvalidConfiguration(f"{required} is required", fields={required: ["required"]})
    data.setdefault("move_to_code", "")
    _validate_rule(version=version, data=data)
    return DeadlineRule.objects.create(version=version, **data)


@transaction.atomic
def deadline_rule_update(*, rule: DeadlineRule, **data: Any) -> DeadlineRule:
    version = _lock_version(rule.version)
    _require_draft(version)
    _validate_rule(version=version, data=data, current=rule)
    for name, value in data.items():
        setattr(rule, name, value)
    rule.save()
    return rule


@transaction.atomic
def deadline_rule_delete(*, rule: DeadlineRule) -> None:
    _require_draft(_lock_version(rule.version))
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


# -- dates on applications ------------------------------------------------------------------


@transaction.atomic
def application_deadline_set(
    *, application: Application, kind: str, at: datetime, actor_user_id: int | None = None
) -> ApplicationDeadline:
    """Set (or move) the application's `kind` date and schedule one firing per deadline
    rule of its pinned version for that kind, at the date plus the rule's offset. Firings
    not yet fired move with the date; fired ones stay as they were. A closed application
    gets no new dates (APPLICATION_NOT_ACTIVE)."""
    errors = _kind_errors(kind, "kind")
    if at is None or at.tzinfo is None:
        errors["at"] = ["an ISO-8601 timestamp with a time zone"]
    if errors:
        raise InvalidConfiguration("invalid deadline", fields=errors)
    if application.status != ApplicationStatus.ACTIVE:
        raise TransitionRefused(
            f"the application is {application.status}; a closed application gets no new dates",
            code=MilestoneErrorCode.APPLICATION_NOT_ACTIVE,
        )
    deadline, _ = ApplicationDeadline.objects.select_for_update().get_or_create(
        application=application, kind=kind, defaults={"at": at}
    )
    if deadline.at != at:
        deadline.at = at
        deadline.save(update_fields=["at", "updated_at"])
    version_id = application.requisition.framework_version_id
    rules = list(DeadlineRule.objects.filter(version_id=version_id, deadline_kind=kind))
    existing = {f.rule_id: f for f in DeadlineFiring.objects.filter(deadline=deadline)}
    create, move = [], []
    for rule in rules:
        fires_at = deadline_fires_at(at, rule.offset)
        firing = existing.get(rule.pk)
        if firing is None:
            create.append(
                DeadlineFiring(
                    tenant_id=deadline.tenant_id, deadline=deadline, rule=rule, fires_at=fires_at
                )
            )
        elif firing.fired_at is None and firing.fires_at != fires_at:
            firing.fires_at = fires_at
            move.append(firing)
    DeadlineFiring.objects.bulk_create(create)
    if move:
        DeadlineFiring.objects.bulk_update(move, ["fires_at", "updated_at"])
    _audit_deadline(
        AUDIT_DEADLINE_SET,
        application=application,
        actor_user_id=actor_user_id,
        data={"kind": kind, "at": at.isoformat(), "firings": len(rules)},
    )
    return deadline


@transaction.atomic
def application_deadline_clear(
    *, application: Application, kind: str, actor_user_id: int | None = None
) -> bool:
    """Remove the application's `kind` date and its firings; False when it had none."""
    deleted, _ = ApplicationDeadline.objects.filter(application=application, kind=kind).delete()
    if deleted:
        _audit_deadline(
            AUDIT_DEADLINE_CLEARED,
            application=application,
            actor_user_id=actor_user_id,
            data={"kind": kind},
        )
    return bool(deleted)


def _audit_deadline(action: str, *, application: Application, actor_user_id, data: dict) -> None:
    audit_application(
        action=action,
        tenant_id=application.tenant_id,
        application_id=application.pk,
        actor_user_id=actor_user_id,
        data=data,
    )


def application_deadline_list(*, application: Application):
    return ApplicationDeadline.objects.filter(application=application).prefetch_related(
        "firings__rule"
    )
