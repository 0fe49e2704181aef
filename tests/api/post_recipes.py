"""Recipes of the POST routes of every app but approvals (approval_post_recipes.py):
for each route name, a request that succeeds, built for a tenant and a signed-in member.
test_idempotency_every_post.py sends each twice with one `Idempotency-Key`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from milestones.models import LegacyStageMapping, MilestoneDefinition, VersionStatus
from recruiting.models import Candidate
from tenants.context import all_tenants_context
from tests import factories
from tests.integrations.factories import (
    UNUSED_LOOPBACK,
    make_any_connection,
    make_background_check,
    make_dead_letter,
    make_sync_conflict,
)
from tests.milestones.factories import (
    make_framework,
    make_tracked_application,
    make_version,
    milestone_of,
)
from tests.reporting.factories import make_failure, make_gated_application, make_notification
from tests.support import allowed_methods, api_routes


@dataclass
class Post:
    """One request that succeeds, and who sends it."""

    url: str
    body: object = None
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)
    as_user: bool = False  # a signed-in person (notifications are theirs), else the API client


def _draft(tenant):
    return make_version(tenant=tenant, status=VersionStatus.DRAFT)


def _active(tenant):
    return make_version(tenant=tenant, status=VersionStatus.ACTIVE)


def _requisition_body(tenant):
    department = factories.make_department(tenant=tenant)
    requisition_type = factories.make_requisition_type(tenant=tenant)
    return {
        "title": "Staff Engineer",
        "department": str(department.pk),
        "requisition_type": str(requisition_type.pk),
        "openings": 2,
    }


def _application_body(tenant):
    candidate = factories.make_candidate(tenant=tenant)
    requisition = factories.make_requisition(tenant=tenant, framework_version=_active(tenant))
    return {"candidate": str(candidate.pk), "requisition": str(requisition.pk)}


def _version_url(name: str, version) -> str:
    return reverse(name, kwargs={"pk": version.pk})


def _sandbox_run(tenant) -> Post:
    return Post(
        _version_url("framework-version-sandbox-runs", _draft(tenant)),
        {
            "clock_start": "2026-03-02T09:00:00Z",
            "clock_end": "2026-03-06T09:00:00Z",
            "applications": [{"key": "ann"}],
        },
    )


def _publish_preview(tenant) -> Post:
    active = _active(tenant)
    draft = make_version(tenant=tenant, framework=active.framework, status=VersionStatus.DRAFT)
    return Post(_version_url("framework-version-publish-preview", draft), {"horizon_days": 1})


def _milestone_of(version, order: int = 1) -> MilestoneDefinition:
    with all_tenants_context():
        return MilestoneDefinition.all_tenants.get(version=version, order=order)


def _move(tenant) -> Post:
    application = make_tracked_application(tenant=tenant)
    return Post(
        reverse("application-transitions", kwargs={"pk": application.pk}),
        {"action": "advance"},
        headers={"HTTP_IF_MATCH": f'"{application.version}"'},
    )


def _event(tenant) -> Post:
    application = make_tracked_application(tenant=tenant)
    return Post(
        reverse("event-list"),
        {
            "application_id": str(application.pk),
            "event_type": "assessment.completed",
            "occurred_at": "2026-03-02T10:00:00Z",
            "payload": {"score": 75},
            "idempotency_id": "evt-1",
        },
    )


def _legacy_import(tenant) -> Post:
    version = _active(tenant)
    with all_tenants_context():
        LegacyStageMapping.all_tenants.create(
            tenant=tenant, source_system="oldats", legacy_stage="New", milestone_code="APPLIED"
        )
    requisition = factories.make_requisition(tenant=tenant, framework_version=version)
    factories.make_application(tenant=tenant, requisition=requisition, external_id="EXT-1")
    row = {
        "application_external_id": "EXT-1",
        "legacy_stage": "New",
        "entered_at": "2024-01-02T09:00:00Z",
        "left_at": "",
    }
    return Post(reverse("legacy-imports"), {"source_system": "oldats", "rows": [row]})


def _retry(tenant) -> Post:
    application = make_gated_application(tenant=tenant)
    failure = make_failure(tenant=tenant, application=application)
    with all_tenants_context():
        Candidate.all_tenants.filter(pk=application.candidate_id).update(phone="+1 555 0100")
    return Post(reverse("automation_failures-retry", kwargs={"pk": failure.pk}))


def _deadline(tenant) -> Post:
    application = make_tracked_application(tenant=tenant)
    at = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    return Post(
        reverse("application-deadlines", kwargs={"pk": application.pk}),
        {"kind": "offer_expires_at", "at": at.isoformat()},
    )


# route name -> recipe(tenant, user) of a request that succeeds (approvals' beside them).
RECIPES: dict[str, Callable[..., Post]] = {
    "departments-list": lambda t, u: Post(
        reverse("departments-list"), {"code": "ENG", "name": "E"}
    ),
    "job_families-list": lambda t, u: Post(
        reverse("job_families-list"), {"code": "S", "name": "S"}
    ),
    "locations-list": lambda t, u: Post(
        reverse("locations-list"), {"code": "BER", "name": "Berlin", "country": "DE"}
    ),
    "requisition_types-list": lambda t, u: Post(
        reverse("requisition_types-list"), {"code": "STD", "name": "Std", "flsa_status": "exempt"}
    ),
    "requisitions-list": lambda t, u: Post(reverse("requisitions-list"), _requisition_body(t)),
    "candidates-list": lambda t, u: Post(
        reverse("candidates-list"), {"first_name": "Ada", "last_name": "Lovelace"}
    ),
    "applications-list": lambda t, u: Post(reverse("applications-list"), _application_body(t)),
    "framework-list": lambda t, u: Post(reverse("framework-list"), {"name": "Engineering"}),
    "framework-versions": lambda t, u: Post(
        reverse("framework-versions", kwargs={"pk": make_framework(tenant=t).pk})
    ),
    "framework-version-copy-to-draft": lambda t, u: Post(
        _version_url("framework-version-copy-to-draft", _active(t))
    ),
    "framework-version-milestones": lambda t, u: Post(
        _version_url("framework-version-milestones", _draft(t)), {"code": "EXTRA", "name": "X"}
    ),
    "framework-version-pilot": lambda t, u: Post(
        _version_url("framework-version-pilot", _draft(t)),
        {"department_ids": [str(factories.make_department(tenant=t).pk)]},
    ),
    "framework-version-publish": lambda t, u: Post(
        _version_url("framework-version-publish", _draft(t))
    ),
    "framework-version-reorder": lambda t, u: Post(
        _version_url("framework-version-reorder", _draft(t)),
        {"codes": ["HIRED", "OFFER", "INTERVIEW", "SCREEN", "APPLIED"]},
    ),
    "framework-version-retire": lambda t, u: Post(
        _version_url("framework-version-retire", _active(t))
    ),
    "framework-version-sandbox-runs": lambda t, u: _sandbox_run(t),
    "framework-version-publish-preview": lambda t, u: _publish_preview(t),
    "automation-rule-list": lambda t, u: Post(
        reverse("automation-rule-list"),
        {
            "version_id": str(_draft(t).pk),
            "kind": "auto_advance",
            "name": "assessment passed",
            "milestone_code": "SCREEN",
            "event_type": "assessment.completed",
        },
    ),
    "event-list": lambda t, u: _event(t),
    "application-transitions": lambda t, u: _move(t),
    "legacy-mapping-list": lambda t, u: Post(
        reverse("legacy-mapping-list"),
        {"source_system": "oldats", "legacy_stage": "New", "milestone_code": "APPLIED"},
    ),
    "legacy-imports": lambda t, u: _legacy_import(t),
    "escalation_rule-list": lambda t, u: Post(
        reverse("escalation_rule-list"),
        {"milestone_id": str(_milestone_of(_draft(t)).pk), "level": 1, "after": "2 00:00:00"},
    ),
    "deadline_rule-list": lambda t, u: Post(
        reverse("deadline_rule-list"),
        {
            "version_id": str(_draft(t).pk),
            "name": "Offer expiry reminder",
            "deadline_kind": "offer_expires_at",
            "offset": "-2 00:00:00",
            "action": "remind",
        },
    ),
    "holiday-list": lambda t, u: Post(
        reverse("holiday-list"), {"date": "2026-12-25", "name": "Christmas"}
    ),
    "application-deadlines": lambda t, u: _deadline(t),
    "automation_failures-dismiss": lambda t, u: Post(
        reverse("automation_failures-dismiss", kwargs={"pk": make_failure(tenant=t).pk}),
        {"reason": "handled by phone"},
    ),
    "automation_failures-retry": lambda t, u: _retry(t),
    "notifications-read-all": lambda t, u: _notification_read_all(t, u),
    # Integrations (validation calls a loopback port nothing answers: saved disabled, 201)
    "connections-list": lambda t, u: Post(
        reverse("connections-list"),
        {"name": "HRIS", "kind": "hris", "endpoint_url": UNUSED_LOOPBACK},
    ),
    "connections-validate": lambda t, u: Post(
        reverse("connections-validate", kwargs={"pk": make_any_connection(tenant=t).pk})
    ),
    "connections-rotate-secret": lambda t, u: Post(
        reverse("connections-rotate-secret", kwargs={"pk": make_any_connection(tenant=t).pk})
    ),
    "dead_letters-replay": lambda t, u: Post(
        reverse("dead_letters-replay", kwargs={"pk": make_dead_letter(tenant=t).pk})
    ),
    "background_checks-decision": lambda t, u: Post(
        reverse("background_checks-decision", kwargs={"pk": make_background_check(tenant=t).pk}),
        {"decision": "proceed", "reason": "Not relevant to the role"},
    ),
    "background_checks-retry": lambda t, u: Post(
        reverse(
            "background_checks-retry",
            kwargs={"pk": make_background_check(tenant=t, status="order_failed").pk},
        )
    ),
    "sync_conflicts-resolve": lambda t, u: Post(
        reverse("sync_conflicts-resolve", kwargs={"pk": make_sync_conflict(tenant=t).pk}),
        {"choose": "theirs"},
    ),
    "dead_letters-replay-many": lambda t, u: Post(
        reverse("dead_letters-replay-many"), {"ids": [str(make_dead_letter(tenant=t).pk)]}
    ),
    "activities": lambda t, u: Post(
        reverse("activities"),
        {
            "activities": [
                {
                    "application_id": str(make_tracked_application(tenant=t).pk),
                    "kind": "interview_held",
                    "occurred_at": "2026-11-30T10:00:00Z",
                }
            ]
        },
    ),
    "scheduled_exports-list": lambda t, u: Post(
        reverse("scheduled_exports-list"),
        {"name": "Nightly", "dataset": "stays", "format": "parquet", "frequency": "daily"},
    ),
    "notifications-read": lambda t, u: Post(
        reverse("notifications-read", kwargs={"pk": make_notification(tenant=t, recipient=u).pk}),
        as_user=True,
    ),
    # Reports
    "reports-regression-alerts-list": lambda t, u: _regression_alert(t),
}


def _regression_alert(tenant) -> Post:
    version = _active(tenant)
    return Post(
        reverse("reports-regression-alerts-list"),
        {
            "from_milestone_id": str(milestone_of(version, "OFFER").pk),
            "to_milestone_id": str(milestone_of(version, "INTERVIEW").pk),
        },
    )


def _notification_read_all(tenant, user) -> Post:
    make_notification(tenant=tenant, recipient=user)
    return Post(reverse("notifications-read-all"), as_user=True)


# Authenticated by a peer's Standard Webhooks signature, not by our token or session, so
# outside the kernel's base: idempotent by its `webhook-id` instead (a repeat answers the
# first answer with Idempotent-Replayed: true; tests/integrations/test_inbound.py).
SIGNED_WEBHOOK_ROUTES = {"inbound"}


def post_routes() -> list[str]:
    return sorted(
        pattern.name
        for _, pattern, _ in api_routes()
        if "POST" in allowed_methods(pattern) and pattern.name not in SIGNED_WEBHOOK_ROUTES
    )
