"""Factories of milestone configuration and progress: real rows, any tenant."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from milestones.models import (
    ApplicationEvent,
    ApplicationMilestone,
    AutomationRule,
    Framework,
    FrameworkRequisitionType,
    FrameworkVersion,
    FrameworkVersionPilotDepartment,
    LegacyStageMapping,
    MilestoneDefinition,
    MilestoneKind,
    MilestoneState,
    VersionStatus,
)
from milestones.services.transitions.initialize import application_milestones_initialize
from recruiting.models import Application, Candidate
from tenants.context import all_tenants_context, tenant_context
from tests import factories

_seq = itertools.count(1)


def make_framework(*, tenant, requisition_types=(), name: str | None = None) -> Framework:
    with all_tenants_context():
        framework = Framework.all_tenants.create(
            tenant=tenant, name=name or f"Framework {next(_seq)}"
        )
        for requisition_type in requisition_types:
            FrameworkRequisitionType.all_tenants.create(
                tenant=tenant, framework=framework, requisition_type=requisition_type
            )
    return framework


def make_milestone(
    *, version: FrameworkVersion, code: str, order: int, **kw
) -> MilestoneDefinition:
    kw.setdefault("name", code.replace("_", " ").title())
    if kw.get("kind") == MilestoneKind.TIME_BASED:
        kw.setdefault("sla", timedelta(days=2))
    with all_tenants_context():
        return MilestoneDefinition.all_tenants.create(
            tenant_id=version.tenant_id, version=version, code=code, order=order, **kw
        )


def make_version(
    *,
    tenant,
    framework: Framework | None = None,
    status: str = VersionStatus.ACTIVE,
    codes=("APPLIED", "SCREEN", "INTERVIEW", "OFFER", "HIRED"),
    milestones: dict | None = None,
    pilot_departments=(),
    number: int | None = None,
) -> FrameworkVersion:
    """A version with milestones named by `codes`; `milestones[code]` overrides fields."""
    framework = framework or make_framework(tenant=tenant)
    with all_tenants_context():
        number = number or FrameworkVersion.all_tenants.filter(framework=framework).count() + 1
        version = FrameworkVersion.all_tenants.create(
            tenant=tenant, framework=framework, number=number, status=status
        )
        for department in pilot_departments:
            FrameworkVersionPilotDepartment.all_tenants.create(
                tenant=tenant, version=version, department=department
            )
    for order, code in enumerate(codes, start=1):
        make_milestone(version=version, code=code, order=order, **(milestones or {}).get(code, {}))
    return version


def make_tracked_application(
    *, tenant, version: FrameworkVersion | None = None, **application_kw
) -> Application:
    """An application on a requisition pinned to `version`, milestones initialised."""
    version = version or make_version(tenant=tenant)
    requisition = factories.make_requisition(tenant=tenant, framework_version=version)
    application = factories.make_application(
        tenant=tenant, requisition=requisition, **application_kw
    )
    with tenant_context(tenant):
        application_milestones_initialize(application_id=application.pk)
    with all_tenants_context():
        return Application.all_tenants.get(pk=application.pk)


def make_legacy_stage_mapping(*, tenant, **kw) -> LegacyStageMapping:
    kw.setdefault("source_system", "legacy")
    kw.setdefault("legacy_stage", f"Stage {next(_seq)}")
    kw.setdefault("milestone_code", "APPLIED")
    with all_tenants_context():
        return LegacyStageMapping.all_tenants.create(tenant=tenant, **kw)


def make_automation_rule(
    *, tenant, version: FrameworkVersion | None = None, milestone_code: str | None = None, **kw
) -> AutomationRule:
    """A rule on `milestone_code` of `version` (an auto-advance on SCREEN by default)."""
    version = version or make_version(tenant=tenant, status=VersionStatus.DRAFT)
    with all_tenants_context():
        milestone = MilestoneDefinition.all_tenants.get(
            version=version, code=milestone_code or "SCREEN"
        )
        kw.setdefault("kind", "auto_advance")
        kw.setdefault("name", f"Rule {next(_seq)}")
        if kw["kind"] == "auto_advance":
            kw.setdefault("event_type", "assessment.completed")
        return AutomationRule.all_tenants.create(
            tenant=tenant, version=version, milestone=milestone, **kw
        )


def make_application_event(*, tenant, application: Application | None = None, **kw):
    """A stored event (not evaluated) about an application."""
    from django.utils import timezone

    application = application or factories.make_application(tenant=tenant)
    kw.setdefault("event_type", "assessment.completed")
    kw.setdefault("idempotency_id", f"evt-{next(_seq)}")
    kw.setdefault("occurred_at", timezone.now())
    with all_tenants_context():
        return ApplicationEvent.all_tenants.create(tenant=tenant, application=application, **kw)


def make_escalation_rule(*, tenant, milestone=None, **kw):
    """A level of a draft's first milestone (a new draft unless `milestone` is given)."""
    from milestones.models import EscalationRule

    if milestone is None:
        version = make_version(tenant=tenant, status=VersionStatus.DRAFT)
        with all_tenants_context():
            milestone = MilestoneDefinition.all_tenants.get(version=version, order=1)
    kw.setdefault("level", 1)
    kw.setdefault("after", timedelta(hours=48))
    with all_tenants_context():
        return EscalationRule.all_tenants.create(tenant=tenant, milestone=milestone, **kw)


def make_deadline_rule(*, tenant, version=None, **kw):
    from milestones.models import DeadlineRule

    version = version or make_version(tenant=tenant, status=VersionStatus.DRAFT)
    kw.setdefault("name", "Offer expiry reminder")
    kw.setdefault("deadline_kind", "offer_expires_at")
    kw.setdefault("offset", -timedelta(days=2))
    kw.setdefault("action", "remind")
    with all_tenants_context():
        return DeadlineRule.all_tenants.create(tenant=tenant, version=version, **kw)


def make_holiday(*, tenant, **kw):
    from milestones.models import Holiday

    kw.setdefault("date", date(2026, 12, 24) + timedelta(days=next(_seq)))
    kw.setdefault("name", "Holiday")
    with all_tenants_context():
        return Holiday.all_tenants.create(tenant=tenant, **kw)


def make_sandbox_run(*, tenant, version=None, **kw):
    from milestones.models import SandboxRun

    version = version or make_version(tenant=tenant, status=VersionStatus.DRAFT)
    kw.setdefault("scenario", {"applications": [], "events": []})
    kw.setdefault("result", {"steps": []})
    with all_tenants_context():
        return SandboxRun.all_tenants.create(tenant=tenant, version=version, **kw)


# -- the publish preview's pair of versions (API, page and browser tests share them) ------

_H = timedelta(hours=1)
_SCORE = {"fact": "payload.score", "op": "gte"}
_REFERRAL = {"fact": "application.source", "op": "eq", "value": "referral"}


def milestone_of(version, code):
    with all_tenants_context():
        return MilestoneDefinition.all_tenants.get(version=version, code=code)


def make_preview_versions(tenant):
    """For publish-preview tests. Active v1: APPLIED escalates after 4h, advances on a score
    of 80. Draft v2 drops SCREEN, escalates after 8h, advances on 70 and lets referrals skip
    the interview."""
    old = make_version(tenant=tenant, status=VersionStatus.ACTIVE)
    make_escalation_rule(tenant=tenant, milestone=milestone_of(old, "APPLIED"), after=4 * _H)
    make_automation_rule(
        tenant=tenant,
        version=old,
        milestone_code="APPLIED",
        name="scored well",
        conditions={**_SCORE, "value": 80},
    )
    new = make_version(
        tenant=tenant,
        framework=old.framework,
        status=VersionStatus.DRAFT,
        codes=("APPLIED", "INTERVIEW", "OFFER", "HIRED"),
        milestones={"INTERVIEW": {"mandatory": False}},
    )
    make_escalation_rule(tenant=tenant, milestone=milestone_of(new, "APPLIED"), after=8 * _H)
    make_automation_rule(
        tenant=tenant,
        version=new,
        milestone_code="APPLIED",
        name="scored well",
        conditions={**_SCORE, "value": 70},
    )
    make_automation_rule(
        tenant=tenant,
        version=new,
        milestone_code="INTERVIEW",
        kind="skip",
        name="referrals skip the interview",
        event_type="",
        conditions=_REFERRAL,
    )
    return old, new


def make_in_flight_application(tenant, version, **kw):
    """An application in flight on `version`, for a candidate named by first_name/last."""
    candidate = factories.make_candidate(
        tenant=tenant, first_name=kw.pop("first_name", "Ada"), last_name=kw.pop("last", "Lovel")
    )
    return make_tracked_application(tenant=tenant, version=version, candidate=candidate, **kw)


def make_crowded_pipeline(*, tenant, requisition, version, count: int, codes=None) -> int:
    """`count` active applications spread over the version's milestones (round robin over
    `codes`, each standing active on its milestone), written in bulk: a requisition of
    10,000 applications in seconds. Returns how many were made."""
    serial = next(_bulk_serial)
    with all_tenants_context():
        definitions = MilestoneDefinition.all_tenants.filter(version=version).order_by("order")
        if codes is not None:
            definitions = definitions.filter(code__in=codes)
        definitions = list(definitions)
        candidates = Candidate.all_tenants.bulk_create(
            Candidate(
                tenant=tenant,
                first_name=f"Bulk{serial}",
                last_name=f"Candidate{n}",
                email=f"bulk{serial}-{n}@example.com",
            )
            for n in range(count)
        )
        applications = Application.all_tenants.bulk_create(
            Application(
                tenant=tenant,
                requisition=requisition,
                candidate=candidate,
                current_milestone=definitions[n % len(definitions)],
            )
            for n, candidate in enumerate(candidates)
        )
        ApplicationMilestone.all_tenants.bulk_create(
            ApplicationMilestone(
                tenant=tenant,
                application=application,
                milestone=application.current_milestone,
                requisition=requisition,
                state=MilestoneState.ACTIVE,
                entered_at=application.applied_at,
            )
            for application in applications
        )
    return count


_bulk_serial = itertools.count(1)


def advance(tenant, application, times: int = 1) -> None:
    """Advance `application` `times` milestones as the system would (no version check)."""
    from milestones.core.engine import MoveAction
    from milestones.services.transitions.moves import application_transition

    with tenant_context(tenant):
        for _ in range(times):
            application_transition(
                application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
            )
