"""Factories of alerts: automation failures and notifications, in any tenant."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from milestones.models import AutomationFailure, FailureSource, MilestoneKind
from notifications.models import Notification
from reporting.models import ScheduledExport
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.milestones.factories import make_tracked_application, make_version

PHONE_GATE = [{"type": "required_fields", "fields": ["candidate.phone"]}]


def make_failure(*, tenant, application=None, **kw) -> AutomationFailure:
    """An open failure of a rule's advance (any application; no milestones needed)."""
    application = application or factories.make_application(tenant=tenant)
    kw.setdefault("source", FailureSource.RULE)
    kw.setdefault("attempted", {"action": "advance", "to_code": None})
    kw.setdefault("error_code", "GATE_NOT_SATISFIED")
    kw.setdefault("message", "APPLIED cannot be left yet: candidate.phone missing")
    with all_tenants_context():
        return AutomationFailure.all_tenants.create(tenant=tenant, application=application, **kw)


def make_gated_application(*, tenant, **application_kw):
    """A tracked application whose APPLIED milestone waits for the candidate's phone, and
    whose candidate has none: an advance is refused until the phone is filled in."""
    version = make_version(
        tenant=tenant,
        codes=("APPLIED", "SCREEN", "INTERVIEW"),
        milestones={"APPLIED": {"kind": MilestoneKind.STAGE_GATED, "gate_conditions": PHONE_GATE}},
    )
    candidate = factories.make_candidate(tenant=tenant, phone="")
    return make_tracked_application(
        tenant=tenant, version=version, candidate=candidate, **application_kw
    )


def make_notification(*, tenant, recipient=None, **kw) -> Notification:
    recipient = recipient or factories.make_user()
    kw.setdefault("kind", "automation.failed")
    kw.setdefault("title", "Automation failed")
    with all_tenants_context():
        return Notification.all_tenants.create(tenant=tenant, recipient=recipient, **kw)


def make_digest(*, tenant, recipient, applications, **kw) -> Notification:
    """A digest as the escalation sweep writes it: no `application`, the applications'
    ids in `application_ids`, and a link to its own page."""
    kw.setdefault("kind", "milestone.escalated")
    kw.setdefault(
        "title", f"{len(applications)} candidates are overdue in Screen (escalation level 1)"
    )
    ids = [getattr(application, "pk", application) for application in applications]
    digest = make_notification(tenant=tenant, recipient=recipient, application_ids=ids, **kw)
    digest.link = reverse("reporting:notification-detail", args=[digest.pk])
    with all_tenants_context():
        Notification.all_tenants.filter(pk=digest.pk).update(link=digest.link)
    return digest


def move(tenant, application, action, *, at=None, **kw):
    """One move of `application` as its recruiter would make it (at `at`, default now)."""
    from milestones.services.transitions.moves import application_transition
    from tenants.context import tenant_context

    kw.setdefault("reason", "test" if action in ("skip", "regress", "reject", "withdraw") else "")
    with tenant_context(tenant):
        return application_transition(
            application_id=application.pk, action=action, expected_version=None, now=at, **kw
        )


def make_stay(*, tenant, **kw):
    """A stay row of the read model as the moves leave it (finished unless `left_at=None`):
    for reports over many rows without replaying moves. Facts default to fresh ids."""
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from reporting.models import MilestoneStay

    kw.setdefault("application_id", uuid.uuid4())
    kw.setdefault("milestone_id", uuid.uuid4())
    kw.setdefault("requisition_id", uuid.uuid4())
    kw.setdefault("entered_at", timezone.now() - timedelta(days=3))
    kw.setdefault("left_at", kw["entered_at"] + timedelta(days=2))
    kw.setdefault("entered_transition_id", uuid.uuid4())
    if kw["left_at"] is not None:
        seconds = (kw["left_at"] - kw["entered_at"]).total_seconds()
        kw.setdefault("calendar_seconds", seconds)
        kw.setdefault("business_seconds", seconds / 3)
        kw.setdefault("ended", "advanced")
        kw.setdefault("left_transition_id", uuid.uuid4())
    kw.setdefault("entered_cause", "manual")
    with all_tenants_context():
        return MilestoneStay.all_tenants.create(tenant=tenant, **kw)


def make_regression_alert(*, tenant, **kw):
    """An alert from a version's OFFER back to its INTERVIEW (a new version unless given)."""
    from reporting.models import RegressionAlert
    from tests.milestones.factories import milestone_of

    version = kw.pop("version", None) or make_version(tenant=tenant)
    kw.setdefault("from_milestone", milestone_of(version, "OFFER"))
    kw.setdefault("to_milestone", milestone_of(version, "INTERVIEW"))
    with all_tenants_context():
        return RegressionAlert.all_tenants.create(tenant=tenant, **kw)


def make_scheduled_export(*, tenant, **kw) -> ScheduledExport:
    kw.setdefault("name", "Nightly transitions")
    kw.setdefault("dataset", "transitions")
    kw.setdefault("format", "csv")
    kw.setdefault("frequency", "daily")
    kw.setdefault("next_run_at", timezone.now())
    with all_tenants_context():
        return ScheduledExport.all_tenants.create(tenant=tenant, **kw)


def make_pipeline(tenant, *, size: int, title: str = "Backend engineer", **requisition_kw):
    """A requisition (of `recruiter=`, `hiring_manager=`) with `size` applications: each
    advanced once a week ago, every other one rejected, the rest left overdue (escalated
    once, due an hour ago) in SCREEN."""
    from datetime import timedelta

    from django.utils import timezone

    from milestones.models import ApplicationMilestone, MilestoneState
    from milestones.services.transitions.initialize import application_milestones_initialize

    version = make_version(tenant=tenant)
    requisition = factories.make_requisition(
        tenant=tenant,
        title=title,
        framework_version=version,
        opened_at=timezone.now() - timedelta(days=20),
        **requisition_kw,
    )
    week_ago = timezone.now() - timedelta(days=7)
    applications = []
    for index in range(size):
        application = factories.make_application(tenant=tenant, requisition=requisition)
        with tenant_context(tenant):
            application_milestones_initialize(application_id=application.pk, now=week_ago)
        move(tenant, application, "advance", at=week_ago + timedelta(days=1))
        if index % 2:
            move(tenant, application, "reject", at=week_ago + timedelta(days=2), reason="No")
        applications.append(application)
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            requisition=requisition, state=MilestoneState.ACTIVE
        ).update(escalation_level=1, due_at=timezone.now() - timedelta(hours=1))
    return requisition, applications
