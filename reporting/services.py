"""Writes of reporting's own configuration: the misclick window and regression alerts."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ats_milestones.errors import Conflict, InvalidInput
from audit.models import AuditAction
from audit.services import audit_record
from milestones.models import MilestoneDefinition
from reporting.models import RegressionAlert, ReportingSettings
from tenants.actors import Actor
from tenants.context import current_tenant_id
from tenants.permissions import Capability, actor_require

MAX_MISCLICK_WINDOW_SECONDS = 3600


def reporting_settings_get() -> ReportingSettings:
    """The tenant's settings, or the defaults when it never saved any."""
    return ReportingSettings.objects.first() or ReportingSettings()


@transaction.atomic
def reporting_settings_update(*, misclick_window_seconds: int, actor: Actor) -> ReportingSettings:
    """Set the misclick window: a move undone within it is not counted as a stay. Applies to
    moves from now on; `manage.py reporting_stays_rebuild` applies it to the history."""
    actor_require(actor, Capability.CONFIGURE_WORKFLOWS)
    if not 0 <= misclick_window_seconds <= MAX_MISCLICK_WINDOW_SECONDS:
        raise InvalidInput(
            "the misclick window is 0 to 3600 seconds",
            fields={"misclick_window_seconds": [f"0 to {MAX_MISCLICK_WINDOW_SECONDS} seconds"]},
        )
    settings = ReportingSettings.objects.select_for_update().first() or ReportingSettings()
    before = settings.misclick_window_seconds
    settings.misclick_window_seconds = misclick_window_seconds
    settings.save()
    audit_record(
        action=AuditAction.UPDATED,
        tenant_id=settings.tenant_id,
        actor=actor,
        object_type="reporting.ReportingSettings",
        object_id=settings.pk,
        data={"misclick_window_seconds": [before, misclick_window_seconds]},
    )
    return settings


@transaction.atomic
def regression_alert_create(
    *, from_milestone: MilestoneDefinition, to_milestone: MilestoneDefinition, actor: Actor
) -> RegressionAlert:
    """Alert the requisition's recruiter and hiring manager whenever an application is
    moved from `from_milestone` back to `to_milestone` (an earlier one of the same
    version). Refuses a pair that is no regression (400) or one already configured (409)."""
    actor_require(actor, Capability.CONFIGURE_WORKFLOWS)
    if from_milestone.version_id != to_milestone.version_id:
        raise InvalidInput(
            "both milestones must belong to one framework version",
            fields={"to_milestone_id": ["not a milestone of the from milestone's version"]},
        )
    if to_milestone.order >= from_milestone.order:
        raise InvalidInput(
            f"moving from {from_milestone.name} to {to_milestone.name} is no regression",
            fields={"to_milestone_id": [f"must come before {from_milestone.name}"]},
        )
    try:
        with transaction.atomic():
            alert = RegressionAlert.objects.create(
                from_milestone=from_milestone, to_milestone=to_milestone
            )
    except IntegrityError:
        raise Conflict(
            f"an alert from {from_milestone.name} back to {to_milestone.name} exists already",
            code="DUPLICATE_REGRESSION_ALERT",
        ) from None
    audit_record(
        action=AuditAction.CREATED,
        tenant_id=current_tenant_id(),
        actor=actor,
        object_type="reporting.RegressionAlert",
        object_id=alert.pk,
        data={"from": from_milestone.code, "to": to_milestone.code},
    )
    return alert


@transaction.atomic
def regression_alert_update(*, alert: RegressionAlert, is_active: bool, actor: Actor):
    actor_require(actor, Capability.CONFIGURE_WORKFLOWS)
    before, alert.is_active = alert.is_active, is_active
    alert.save(update_fields=["is_active", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED,
        tenant_id=alert.tenant_id,
        actor=actor,
        object_type="reporting.RegressionAlert",
        object_id=alert.pk,
        data={"is_active": [before, is_active]},
    )
    return alert
