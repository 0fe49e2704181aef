"""An application enters its requisition's workflow: one row per milestone, the first active."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_application
from milestones.errors import MilestoneErrorCode, TransitionRefused
from milestones.models import (
    ApplicationMilestone,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
    TransitionKind,
)
from milestones.services.automation.events import application_skip_rules_apply
from milestones.services.transitions.moves import milestone_row_enter, publish_moved
from milestones.services.versions.lifecycle import requisition_framework_version_pin
from recruiting.models import Application
from tenants.actors import SYSTEM, Actor

AUDIT_INITIALIZED = "milestone.initialized"


@transaction.atomic
def application_milestones_initialize(
    *,
    application_id: uuid.UUID,
    actor: Actor = SYSTEM,
    cause: TransitionCause = TransitionCause.MANUAL,
    now: datetime | None = None,
) -> list[ApplicationMilestone]:
    """Give an application one row per milestone of its requisition's pinned version, the
    first one active, then apply the version's skip rules. Idempotent: an application
    that already has rows keeps them. Pins the requisition first if it was opened before
    any version applied to it."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("requisition")
        .get(pk=application_id)
    )
    existing = list(
        ApplicationMilestone.objects.filter(application_id=application.pk)
        .select_related("milestone")
        .order_by("milestone__order")
    )
    if existing:
        return existing
    version = requisition_framework_version_pin(requisition_id=application.requisition_id)
    definitions = list(version.milestones.order_by("order")) if version else []
    if not definitions:
        raise TransitionRefused(
            "no milestone framework version applies to this application's requisition",
            code=MilestoneErrorCode.NO_FRAMEWORK_VERSION,
        )
    now = now or timezone.now()
    rows = [
        ApplicationMilestone(
            tenant_id=application.tenant_id,
            application=application,
            requisition_id=application.requisition_id,
            milestone=definition,
        )
        for definition in definitions
    ]
    milestone_row_enter(rows[0], MilestoneState.ACTIVE, now)
    ApplicationMilestone.objects.bulk_create(rows)

    application.version += 1
    application.current_milestone = definitions[0]
    application.save(update_fields=["version", "current_milestone", "updated_at"])
    transition = MilestoneTransition.objects.create(
        application_id=application.pk,
        to_milestone=definitions[0],
        kind=TransitionKind.INITIALIZE,
        cause=cause,
        actor_user_id=actor.user_id,
        actor_api_client_id=actor.api_client_id,
        at=now,
        application_version=application.version,
    )
    audit_application(
        action=AUDIT_INITIALIZED,
        tenant_id=application.tenant_id,
        application_id=application.pk,
        actor=actor,
        data={
            "transition_id": str(transition.pk),
            "framework_version_id": str(version.pk),
            "first": definitions[0].code,
            "version": application.version,
        },
    )
    publish_moved(transition=transition, application=application, decision=None, actor=actor)
    # Skip rules (referrals, internal transfers...) act as soon as the rows exist.
    if application_skip_rules_apply(application_id=application.pk, now=now):
        rows = list(
            ApplicationMilestone.objects.filter(application_id=application.pk)
            .select_related("milestone")
            .order_by("milestone__order")
        )
    return rows
