"""An application's own deadlines (e.g. offer_expires_at): set, cleared, listed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from audit.services import audit_application
from milestones.core.timers import deadline_fires_at
from milestones.errors import InvalidConfiguration, MilestoneErrorCode, TransitionRefused
from milestones.models import (
    ApplicationDeadline,
    DeadlineFiring,
    DeadlineRule,
)
from milestones.services.versions.deadlines import deadline_kind_errors
from recruiting.models import Application, ApplicationStatus
from tenants.actors import SYSTEM, Actor

AUDIT_DEADLINE_SET = "deadline.set"


AUDIT_DEADLINE_CLEARED = "deadline.cleared"


@transaction.atomic
def application_deadline_set(
    *, application: Application, kind: str, at: datetime, actor: Actor = SYSTEM
) -> ApplicationDeadline:
    """Set (or move) the application's `kind` date and schedule one firing per deadline
    rule of its pinned version for that kind, at the date plus the rule's offset. Firings
    not yet fired move with the date; fired ones stay as they were. A closed application
    gets no new dates (APPLICATION_NOT_ACTIVE)."""
    errors = deadline_kind_errors(kind, "kind")
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
        actor=actor,
        data={"kind": kind, "at": at.isoformat(), "firings": len(rules)},
    )
    return deadline


@transaction.atomic
def application_deadline_clear(
    *, application: Application, kind: str, actor: Actor = SYSTEM
) -> bool:
    """Remove the application's `kind` date and its firings; False when it had none."""
    deleted, _ = ApplicationDeadline.objects.filter(application=application, kind=kind).delete()
    if deleted:
        _audit_deadline(
            AUDIT_DEADLINE_CLEARED,
            application=application,
            actor=actor,
            data={"kind": kind},
        )
    return bool(deleted)


def _audit_deadline(action: str, *, application: Application, actor: Actor, data: dict) -> None:
    audit_application(
        action=action,
        tenant_id=application.tenant_id,
        application_id=application.pk,
        actor=actor,
        data=data,
    )


def application_deadline_list(*, application: Application):
    return ApplicationDeadline.objects.filter(application=application).prefetch_related(
        "firings__rule"
    )
