"""Skip rules: referrals and internal transfers pass milestones by rule, within the
bypass policy of mandatory ones, at the start of an application and on events."""

from __future__ import annotations

import pytest

from milestones.models import ApplicationMilestone, AutomationFailure, MilestoneTransition
from milestones.services.transitions.initialize import application_milestones_initialize
from recruiting.models import Application
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.support import rows

from .factories import make_automation_rule, make_version

pytestmark = pytest.mark.django_db

CODES = ("APPLIED", "SCREEN", "BACKGROUND", "OFFER")
REFERRAL_OR_TRANSFER = {
    "fact": "application.source",
    "op": "in",
    "value": ["referral", "internal_transfer"],
}


def _states(application) -> dict[str, str]:
    with all_tenants_context():
        return dict(
            ApplicationMilestone.all_tenants.filter(application=application).values_list(
                "milestone__code", "state"
            )
        )


def _start(tenant, version, **kw) -> Application:
    requisition = factories.make_requisition(tenant=tenant, framework_version=version)
    application = factories.make_application(tenant=tenant, requisition=requisition, **kw)
    with tenant_context(tenant):
        application_milestones_initialize(application_id=application.pk)
    return application


def _version(tenant, **milestones):
    return make_version(
        tenant=tenant,
        codes=CODES,
        milestones={"SCREEN": {"mandatory": False}, **milestones},
    )


def test_a_referral_skips_the_screen_when_it_starts(tenant_a):
    version = _version(tenant_a)
    rule = make_automation_rule(
        tenant=tenant_a,
        version=version,
        milestone_code="SCREEN",
        kind="skip",
        name="referrals skip the screen",
        conditions=REFERRAL_OR_TRANSFER,
    )
    application = _start(tenant_a, version, source="referral")
    assert _states(application) == {
        "APPLIED": "active",
        "SCREEN": "skipped",
        "BACKGROUND": "pending",
        "OFFER": "pending",
    }
    (skip,) = rows(MilestoneTransition, application=application, kind="skip")
    assert skip.cause == "trigger"
    assert str(rule.pk) in skip.reason
    with all_tenants_context():
        assert Application.all_tenants.get(pk=application.pk).current_milestone.code == "APPLIED"


def test_an_external_applicant_skips_nothing(tenant_a):
    version = _version(tenant_a)
    make_automation_rule(
        tenant=tenant_a,
        version=version,
        milestone_code="SCREEN",
        kind="skip",
        conditions=REFERRAL_OR_TRANSFER,
    )
    application = _start(tenant_a, version, source="external")
    assert _states(application)["SCREEN"] == "pending"


def test_an_internal_transfer_skipping_the_first_milestone_starts_at_the_next(tenant_a):
    version = _version(tenant_a, APPLIED={"mandatory": False})
    make_automation_rule(
        tenant=tenant_a,
        version=version,
        milestone_code="APPLIED",
        kind="skip",
        conditions={"fact": "application.source", "op": "eq", "value": "internal_transfer"},
    )
    application = _start(tenant_a, version, source="internal_transfer")
    states = _states(application)
    assert (states["APPLIED"], states["SCREEN"]) == ("skipped", "active")


def test_a_mandatory_milestone_is_skipped_only_within_its_bypass_policy(tenant_a):
    version = _version(tenant_a, BACKGROUND={"mandatory": True, "bypass_hire_types": ["executive"]})
    rule = make_automation_rule(
        tenant=tenant_a,
        version=version,
        milestone_code="BACKGROUND",
        kind="skip",
        name="transfers skip the check",
        conditions=REFERRAL_OR_TRANSFER,
    )
    allowed = _start(tenant_a, version, source="internal_transfer", hire_type="executive")
    assert _states(allowed)["BACKGROUND"] == "skipped"

    refused = _start(tenant_a, version, source="internal_transfer", hire_type="standard")
    assert _states(refused)["BACKGROUND"] == "pending"
    (failure,) = rows(AutomationFailure, application=refused)
    assert (failure.error_code, failure.rule_id) == ("SKIP_NOT_ALLOWED", rule.pk)
    assert failure.attempted == {"action": "rule_skip", "to_code": "BACKGROUND"}


def test_a_refused_skip_is_reported_once_however_many_events_follow(api_a, tenant_a):
    version = _version(tenant_a, BACKGROUND={"mandatory": True})
    make_automation_rule(
        tenant=tenant_a,
        version=version,
        milestone_code="BACKGROUND",
        kind="skip",
        conditions=REFERRAL_OR_TRANSFER,
    )
    application = _start(tenant_a, version, source="referral")
    for n in range(2):
        response = api_a.post(
            "/api/v1/events",
            {
                "application_id": str(application.pk),
                "event_type": "note.added",
                "occurred_at": "2026-11-20T10:00:00Z",
                "idempotency_id": f"n-{n}",
            },
            format="json",
        )
        assert response.json()["outcome"][0]["outcome"] == "already_reported"
    assert len(rows(AutomationFailure, application=application)) == 1


def test_an_event_driven_skip_rule_acts_when_its_event_arrives(api_a, tenant_a):
    version = _version(tenant_a, BACKGROUND={"mandatory": False})
    make_automation_rule(
        tenant=tenant_a,
        version=version,
        milestone_code="BACKGROUND",
        kind="skip",
        event_type="background_check.cleared",
        conditions={"fact": "payload.result", "op": "eq", "value": "clear"},
    )
    application = _start(tenant_a, version)
    assert _states(application)["BACKGROUND"] == "pending"
    response = api_a.post(
        "/api/v1/events",
        {
            "application_id": str(application.pk),
            "event_type": "background_check.cleared",
            "occurred_at": "2026-11-20T10:00:00Z",
            "payload": {"result": "clear"},
            "idempotency_id": "bg-1",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["outcome"][0]["outcome"] == "moved"
    assert _states(application)["BACKGROUND"] == "skipped"


def test_a_refused_skip_is_retried_once_the_hire_type_allows_it(tenant_a):
    from milestones.services.automation.failures import automation_failure_retry

    version = _version(tenant_a, BACKGROUND={"mandatory": True, "bypass_hire_types": ["executive"]})
    make_automation_rule(
        tenant=tenant_a,
        version=version,
        milestone_code="BACKGROUND",
        kind="skip",
        conditions=REFERRAL_OR_TRANSFER,
    )
    application = _start(tenant_a, version, source="referral", hire_type="standard")
    (failure,) = rows(AutomationFailure, application=application)
    with all_tenants_context():
        Application.all_tenants.filter(pk=application.pk).update(hire_type="executive")
    with tenant_context(tenant_a):
        transition = automation_failure_retry(failure=AutomationFailure.objects.get(pk=failure.pk))
    assert (transition.kind, transition.cause) == ("skip", "trigger")
    assert _states(application)["BACKGROUND"] == "skipped"
