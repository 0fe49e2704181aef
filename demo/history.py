"""Demo applications' progress: milestone rows and transitions, each on the audit trail."""

from __future__ import annotations

from datetime import timedelta

from audit.models import AuditEvent
from audit.services import AUDIT_OBJECT_APPLICATION, audit_event_build
from demo.automation import seed_automation_activity
from demo.data import CURRENT_MILESTONE_WEIGHTS
from demo.result import SeedResult
from demo.workflow import seed_framework
from milestones.models import (
    ApplicationMilestone,
    FrameworkVersion,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
    TransitionKind,
)
from milestones.services.transitions.initialize import AUDIT_INITIALIZED
from milestones.services.transitions.moves import AUDIT_TRANSITIONED
from recruiting.models import (
    Application,
    ApplicationStatus,
    Requisition,
)
from tenants.models import (
    Tenant,
)


def seed_milestones(
    tenant: Tenant, req_types: dict, rng, now, result: SeedResult
) -> FrameworkVersion:
    """Pin every requisition to the demo version and give each active application that has
    no progress yet a history: earlier milestones done, one active (some past their SLA).

    Rows are written in bulk, not through application_transition, to keep the seed fast;
    the transitions say so with the `import` cause.
    """
    version = seed_framework(tenant, req_types, result)
    pinned = Requisition.objects.filter(framework_version__isnull=True).update(
        framework_version=version
    )
    result.count("requisitions pinned", pinned)
    definitions = list(version.milestones.order_by("order"))
    applications = list(
        Application.objects.filter(
            status=ApplicationStatus.ACTIVE, requisition__framework_version=version
        )
        .exclude(milestones__isnull=False)
        .order_by("external_id")
    )
    rows, transitions = [], []
    for application in applications:
        current = rng.choices(
            range(len(CURRENT_MILESTONE_WEIGHTS)), weights=CURRENT_MILESTONE_WEIGHTS
        )[0]
        span = (now - application.applied_at).total_seconds()
        # When each milestone up to the current one was entered, oldest first.
        entered = sorted(
            application.applied_at + timedelta(seconds=rng.uniform(0, span)) for _ in range(current)
        )
        entered = [application.applied_at, *entered]
        application.version += 1
        transitions.append(
            MilestoneTransition(
                tenant=tenant,
                application=application,
                to_milestone=definitions[0],
                kind=TransitionKind.INITIALIZE,
                cause=TransitionCause.IMPORT,
                at=entered[0],
                application_version=application.version,
            )
        )
        for index, definition in enumerate(definitions):
            row = ApplicationMilestone(
                tenant=tenant,
                application=application,
                requisition_id=application.requisition_id,
                milestone=definition,
            )
            if index < current:
                skipped = not definition.mandatory and rng.random() < 0.3
                row.state = MilestoneState.SKIPPED if skipped else MilestoneState.COMPLETED
                row.entered_at = entered[index]
                row.completed_at = entered[index + 1]
                application.version += 1
                transitions.append(
                    MilestoneTransition(
                        tenant=tenant,
                        application=application,
                        from_milestone=definition,
                        to_milestone=definitions[index + 1],
                        kind=TransitionKind.SKIP if skipped else TransitionKind.ADVANCE,
                        cause=TransitionCause.IMPORT,
                        reason="Strong referral" if skipped else "",
                        at=entered[index + 1],
                        application_version=application.version,
                    )
                )
            elif index == current:
                row.state = MilestoneState.ACTIVE
                row.entered_at = entered[index]
                row.due_at = entered[index] + definition.sla if definition.sla else None
                first = definition.first_escalation_after
                # As entering sets it: the sweep then applies every level due by now.
                row.escalates_at = entered[index] + first if first else None
            rows.append(row)
        application.current_milestone = definitions[current]
    ApplicationMilestone.objects.bulk_create(rows, batch_size=2000)
    MilestoneTransition.objects.bulk_create(transitions, batch_size=2000)
    AuditEvent.objects.bulk_create(
        [transition_audit(tenant, transition) for transition in transitions], batch_size=2000
    )
    Application.objects.bulk_update(applications, ["current_milestone", "version"], batch_size=1000)
    result.count("application milestones", len(rows))
    result.count("milestone transitions", len(transitions))
    seed_automation_activity(applications, now, result)
    return version


def transition_audit(tenant, transition: MilestoneTransition) -> AuditEvent:
    """The audit event a live move writes beside its transition: the demo's history is on
    the audit trail like any other (cause `import`)."""
    initialize = transition.kind == TransitionKind.INITIALIZE
    event = audit_event_build(
        tenant_id=tenant.pk,
        action=AUDIT_INITIALIZED if initialize else AUDIT_TRANSITIONED,
        object_type=AUDIT_OBJECT_APPLICATION,
        object_id=str(transition.application_id),
        data={
            "transition_id": str(transition.pk),
            "kind": transition.kind,
            "cause": transition.cause,
            "from": transition.from_milestone.code if transition.from_milestone else None,
            "to": transition.to_milestone.code if transition.to_milestone else None,
            "version": transition.application_version,
            "reason": transition.reason,
        },
    )
    event.at = transition.at  # when the seeded move happened, not when the seed ran
    return event
