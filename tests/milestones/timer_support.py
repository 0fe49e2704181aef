"""Setup shared by the timer tests: an application whose active milestone has escalation
levels, people to notify, and deadline rules."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from milestones.models import ApplicationMilestone, DeadlineRule, EscalationRule
from milestones.services.transitions.initialize import application_milestones_initialize
from notifications.models import Notification
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.support import rows

from .factories import make_version

H = timedelta(hours=1)
LEVELS = (
    {"level": 1, "after": 48 * H, "notify": ["recruiter"]},
    {"level": 2, "after": 96 * H, "notify": ["hiring_manager"]},
    {"level": 3, "after": 120 * H, "notify": ["hrbp"], "mark_overdue": True},
)


def escalating_version(*, tenant, levels=LEVELS, codes=None, **kw):
    """A version whose first milestone APPLIED has the given escalation levels."""
    version = make_version(tenant=tenant, **({"codes": codes} if codes else {}), **kw)
    with all_tenants_context():
        applied = version.milestones.model.all_tenants.get(version=version, code="APPLIED")
        for level in levels:
            EscalationRule.all_tenants.create(tenant=tenant, milestone=applied, **level)
        applied.first_escalation_after = min(level["after"] for level in levels)
        applied.save(update_fields=["first_escalation_after"])
    return version


def staffed_requisition(*, tenant, version):
    """A requisition with a recruiter, a hiring manager and an HRBP for its department."""
    recruiter = factories.make_user()
    manager = factories.make_user()
    hrbp = factories.make_user()
    for user, role in ((recruiter, Role.RECRUITER), (manager, Role.HIRING_MANAGER)):
        factories.make_membership(tenant=tenant, user=user, role=role)
    factories.make_membership(tenant=tenant, user=hrbp, role=Role.HRBP)
    return factories.make_requisition(
        tenant=tenant, framework_version=version, recruiter=recruiter, hiring_manager=manager
    )


def active_row(application) -> ApplicationMilestone:
    with all_tenants_context():
        return ApplicationMilestone.all_tenants.select_related("milestone").get(
            application=application, state="active"
        )


def make_deadline_rule(*, version, **kw) -> DeadlineRule:
    kw.setdefault("name", "Offer expiry reminder")
    kw.setdefault("deadline_kind", "offer_expires_at")
    kw.setdefault("offset", -2 * timedelta(days=1))
    kw.setdefault("action", "remind")
    kw.setdefault("notify", ["recruiter"])
    with all_tenants_context():
        return DeadlineRule.all_tenants.create(tenant_id=version.tenant_id, version=version, **kw)


def overdue_application(*, tenant, hours_ago: float, version=None):
    """An application that entered its first (escalating) milestone `hours_ago`."""
    version = version or escalating_version(tenant=tenant)
    requisition = staffed_requisition(tenant=tenant, version=version)
    application = factories.make_application(tenant=tenant, requisition=requisition)
    with tenant_context(tenant):
        application_milestones_initialize(
            application_id=application.pk, now=timezone.now() - hours_ago * H
        )
    return application


def escalated_notifications(application):
    """The escalation notifications the sweep sent about an application."""
    return rows(Notification, application=application, kind="milestone.escalated")
