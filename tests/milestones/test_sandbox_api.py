"""The sandbox through the API: steps of a scenario, bad fields named, tenants apart,
and nothing written but the run itself."""

from __future__ import annotations

from datetime import timedelta

import pytest

from milestones.models import MilestoneDefinition, SandboxRun, VersionStatus
from tenants.context import all_tenants_context
from tests.support import assert_error, rows, table_row_counts

from .factories import (
    make_automation_rule,
    make_deadline_rule,
    make_escalation_rule,
    make_tracked_application,
    make_version,
)

pytestmark = pytest.mark.django_db

T0 = "2026-03-02T09:00:00Z"
SCORE_70 = {"fact": "payload.score", "op": "gte", "value": 70}
REFERRAL = {"fact": "application.source", "op": "eq", "value": "referral"}
EMAIL_GATE = [{"type": "required_fields", "fields": ["candidate.email"]}]


def _draft(tenant):
    """A draft whose rules advance, skip, escalate, fail on a gate and move on a deadline."""
    version = make_version(
        tenant=tenant,
        status=VersionStatus.DRAFT,
        milestones={"SCREEN": {"gate_conditions": EMAIL_GATE}, "INTERVIEW": {"mandatory": False}},
    )
    make_automation_rule(
        tenant=tenant,
        version=version,
        milestone_code="APPLIED",
        name="screened well",
        event_type="screening.done",
        conditions=SCORE_70,
    )
    make_automation_rule(
        tenant=tenant, version=version, milestone_code="SCREEN", event_type="screen.passed"
    )
    make_automation_rule(
        tenant=tenant,
        version=version,
        milestone_code="INTERVIEW",
        kind="skip",
        name="referrals skip the interview",
        event_type="",
        conditions=REFERRAL,
    )
    with all_tenants_context():
        screen = MilestoneDefinition.all_tenants.get(version=version, code="SCREEN")
    make_escalation_rule(tenant=tenant, milestone=screen, after=timedelta(hours=4))
    make_deadline_rule(
        tenant=tenant,
        version=version,
        name="expired offer",
        action="move",
        move_to_code="OFFER",
        offset=timedelta(0),
    )
    return version


def _scenario(**extra):
    return {
        "clock_start": T0,
        "clock_end": "2026-03-06T09:00:00Z",
        "applications": [
            {"key": "ann", "hire_type": "standard", "source": "referral"},
            {"key": "bob", "source": "agency", "deadlines": {"offer_expires_at": T0}},
        ],
        "events": [
            {
                "application": "ann",
                "event_type": "screening.done",
                "occurred_at": "2026-03-02T10:00:00Z",
                "payload": {"score": 82},
            },
            {
                "application": "ann",
                "event_type": "screen.passed",
                "occurred_at": "2026-03-02T11:00:00Z",
            },
        ],
        **extra,
    }


def _kinds(steps, key):
    return [(s["kind"], s["from_code"], s["to_code"]) for s in steps if s["application"] == key]


def test_a_run_answers_the_steps_each_with_its_rule_and_reason(api_a, tenant_a):
    version = _draft(tenant_a)
    response = api_a.post(
        f"/api/v1/framework_versions/{version.pk}/sandbox_runs", _scenario(), format="json"
    )
    assert response.status_code == 201, response.content
    steps = response.json()["steps"]
    assert _kinds(steps, "ann") == [
        ("skip", "INTERVIEW", None),
        ("auto_advance", "APPLIED", "SCREEN"),
        ("failure", None, None),
        ("escalation", "SCREEN", None),
    ]
    failure = next(s for s in steps if s["kind"] == "failure" and s["application"] == "ann")
    assert failure["error_code"] == "GATE_NOT_SATISFIED"
    assert "candidate.email" in failure["reason"]
    assert _kinds(steps, "bob")[0] == ("failure", None, "OFFER")  # SCREEN is mandatory
    assert all(s["rule"]["name"] and s["reason"] for s in steps)

    run_id = response.json()["id"]
    again = api_a.get(f"/api/v1/sandbox_runs/{run_id}")
    assert again.status_code == 200
    assert again.json()["steps"] == steps


def test_a_real_application_is_simulated_by_its_milestone_codes(api_a, tenant_a):
    version = _draft(tenant_a)
    real = make_tracked_application(tenant=tenant_a, source="referral")
    scenario = _scenario(
        applications=[{"application_id": str(real.pk), "key": "real"}],
        events=[
            {
                "application": "real",
                "event_type": "screening.done",
                "occurred_at": "2026-03-02T10:00:00Z",
                "payload": {"score": 90},
            }
        ],
    )
    response = api_a.post(
        f"/api/v1/framework_versions/{version.pk}/sandbox_runs", scenario, format="json"
    )
    assert response.status_code == 201, response.content
    assert ("auto_advance", "APPLIED", "SCREEN") in _kinds(response.json()["steps"], "real")


def test_a_bad_event_time_is_named_by_its_path(api_a, tenant_a):
    version = _draft(tenant_a)
    scenario = _scenario()
    scenario["events"][1]["occurred_at"] = "yesterday"
    response = api_a.post(
        f"/api/v1/framework_versions/{version.pk}/sandbox_runs", scenario, format="json"
    )
    assert_error(response, 400, "INVALID_SCENARIO", field="events[1].occurred_at")
    assert rows(SandboxRun) == []


def test_an_unknown_key_and_a_missing_clock_end_are_named(api_a, tenant_a):
    version = _draft(tenant_a)
    url = f"/api/v1/framework_versions/{version.pk}/sandbox_runs"
    scenario = _scenario()
    scenario["events"][0]["application"] = "zoe"
    assert_error(
        api_a.post(url, scenario, format="json"),
        400,
        "INVALID_SCENARIO",
        field="events[0].application",
    )
    scenario = _scenario()
    del scenario["clock_end"]
    assert_error(
        api_a.post(url, scenario, format="json"), 400, "INVALID_SCENARIO", field="clock_end"
    )


def test_another_tenants_version_is_404_and_application_400(api_a, tenant_a, tenant_b):
    foreign_version = _draft(tenant_b)
    response = api_a.post(
        f"/api/v1/framework_versions/{foreign_version.pk}/sandbox_runs", _scenario(), format="json"
    )
    assert response.status_code == 404
    foreign_application = make_tracked_application(tenant=tenant_b)
    scenario = _scenario(applications=[{"application_id": str(foreign_application.pk)}], events=[])
    response = api_a.post(
        f"/api/v1/framework_versions/{_draft(tenant_a).pk}/sandbox_runs", scenario, format="json"
    )
    # An id in a body that is not ours: 400 naming it, as in every body (docs/api.md).
    assert_error(response, 400, "VALIDATION_ERROR", field="applications[0].application_id")


def test_a_run_writes_nothing_but_itself(api_a, tenant_a):
    """Events that would advance, skip, escalate, fail and move a real application and
    hypothetical ones: every table of the schema keeps its row count but the runs'."""
    version = _draft(tenant_a)
    real = make_tracked_application(tenant=tenant_a, version=version, source="referral")
    scenario = _scenario()
    scenario["applications"].append(
        {"application_id": str(real.pk), "key": "real", "deadlines": {"offer_expires_at": T0}}
    )
    scenario["events"].append(
        {
            "application": "real",
            "event_type": "screening.done",
            "occurred_at": "2026-03-02T10:00:00Z",
            "payload": {"score": 90},
        }
    )
    before = table_row_counts()
    assert before["milestones_automationrule"] >= 3  # the counts see through RLS
    response = api_a.post(
        f"/api/v1/framework_versions/{version.pk}/sandbox_runs", scenario, format="json"
    )
    assert response.status_code == 201, response.content
    kinds = {s["kind"] for s in response.json()["steps"]}
    assert {"auto_advance", "skip", "escalation", "failure"} <= kinds
    after = table_row_counts()
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert changed == {
        "milestones_sandboxrun": (
            before["milestones_sandboxrun"],
            before["milestones_sandboxrun"] + 1,
        )
    }
