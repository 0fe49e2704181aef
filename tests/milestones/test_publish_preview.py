"""The publish preview: in-flight applications of the active version simulated under it and
under the draft about to replace it, with the differences; it writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from milestones.models import VersionStatus
from milestones.services.sandbox.publish_preview import framework_version_publish_preview
from milestones.services.transitions.moves import application_transition
from tenants.context import all_tenants_context, tenant_context
from tests.support import assert_error, table_row_counts

from .factories import (
    make_automation_rule,
    make_escalation_rule,
    make_in_flight_application,
    make_preview_versions,
    make_version,
    milestone_of,
)

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
SCORE = {"fact": "payload.score", "op": "gte"}
REFERRAL = {"fact": "application.source", "op": "eq", "value": "referral"}
SCORED_72 = {"type": "assessment.completed", "payload": {"score": 72}, "after_hours": 1}


def _preview(tenant, version, **kw):
    with tenant_context(tenant):
        return framework_version_publish_preview(version=version, now=timezone.now(), **kw)


def _changes(entry, name="differences"):
    return [(d["change"], d["kind"], d["from_code"], d["fields"]) for d in entry[name]]


def test_a_later_escalation_level_is_a_change_of_time(tenant_a):
    old, new = make_preview_versions(tenant_a)
    application = make_in_flight_application(tenant_a, old, first_name="Grace", last="Hopper")
    preview = _preview(tenant_a, new, horizon_days=1)
    assert preview["replaces"]["id"] == str(old.pk)
    assert preview["summary"] == {
        "in_flight": 1,
        "compared": 1,
        "changed": 1,
        "unchanged": 0,
        "changed_as_new": 1,
        "could_not_map": 0,
        "not_compared": 0,
    }
    [entry] = preview["applications"]
    assert entry["application_id"] == str(application.pk)
    assert entry["candidate"] == "Grace Hopper"
    assert entry["current_milestone"] == {"code": "APPLIED", "name": "Applied"}
    assert _changes(entry) == [("changed", "escalation", "APPLIED", ["at", "reason"])]
    assert "time " in entry["differences"][0]["summary"]


def test_an_event_for_every_application_shows_the_new_threshold_and_skip(tenant_a):
    old, new = make_preview_versions(tenant_a)
    make_in_flight_application(tenant_a, old, source="referral")
    preview = _preview(tenant_a, new, horizon_days=1, events=[SCORED_72])
    [entry] = preview["applications"]
    assert _changes(entry) == [
        ("only_in_new", "auto_advance", "APPLIED", []),
        ("only_in_new", "skip", "INTERVIEW", []),
        ("only_in_old", "escalation", "APPLIED", []),
    ]
    advance = entry["differences"][0]
    assert advance["new"]["to_code"] == "INTERVIEW" and advance["old"] is None
    assert advance["summary"].startswith("new: auto advance APPLIED → INTERVIEW (scored well)")
    # A new referral application on v2 has its interview skipped as it starts, so the
    # score moves it on to the offer.
    assert _changes(entry, "as_new_differences") == [
        ("only_in_new", "skip", "INTERVIEW", []),
        ("only_in_new", "auto_advance", "APPLIED", []),
        ("only_in_old", "escalation", "APPLIED", []),
    ]
    assert entry["as_new_differences"][1]["new"]["to_code"] == "OFFER"


def test_the_same_behaviour_on_both_versions_is_unchanged(tenant_a):
    old, new = make_preview_versions(tenant_a)
    make_in_flight_application(tenant_a, old)
    preview = _preview(tenant_a, new, horizon_days=1, events=[{**SCORED_72, "payload": {}}])
    # no score: neither rule advances; the escalation comes at 4h vs 8h: a change.
    assert preview["summary"]["changed"] == 1
    preview = _preview(tenant_a, new, horizon_days=1, events=[{**SCORED_72, "after_hours": 0}])
    assert [d["kind"] for d in preview["applications"][0]["differences"]] == [
        "auto_advance",
        "escalation",
    ]
    same = make_version(tenant=tenant_a, framework=old.framework, status=VersionStatus.DRAFT)
    make_escalation_rule(tenant=tenant_a, milestone=milestone_of(same, "APPLIED"), after=4 * H)
    make_automation_rule(
        tenant=tenant_a,
        version=same,
        milestone_code="APPLIED",
        name="scored well",
        conditions={**SCORE, "value": 80},
    )
    preview = _preview(tenant_a, same, horizon_days=2, events=[SCORED_72])
    assert preview["summary"]["unchanged"] == 1 and preview["applications"] == []


def test_a_current_milestone_missing_from_the_new_version_could_not_be_mapped(tenant_a):
    old, new = make_preview_versions(tenant_a)
    screened = make_in_flight_application(tenant_a, old, first_name="Alan", last="Turing")
    with tenant_context(tenant_a):
        application_transition(application_id=screened.pk, action="advance", expected_version=None)
    make_in_flight_application(tenant_a, old)
    preview = _preview(tenant_a, new, horizon_days=1)
    assert preview["summary"]["could_not_map"] == 1
    assert preview["summary"]["compared"] == 1
    [unmapped] = preview["could_not_map"]
    assert unmapped["candidate"] == "Alan Turing"
    assert unmapped["current_milestone"]["code"] == "SCREEN"
    assert unmapped["reason"] == f"its current milestone SCREEN is not in version {new.number}"


def test_only_active_applications_count_and_the_limit_takes_the_latest(tenant_a):
    old, new = make_preview_versions(tenant_a)
    first = make_in_flight_application(tenant_a, old)
    latest = make_in_flight_application(tenant_a, old)
    make_in_flight_application(tenant_a, old, status="rejected")
    make_in_flight_application(tenant_a, make_version(tenant=tenant_a))  # another framework's
    preview = _preview(tenant_a, new, horizon_days=1, limit=1)
    assert preview["summary"]["in_flight"] == 2
    assert preview["summary"]["compared"] == 1
    assert preview["summary"]["not_compared"] == 1
    assert [a["application_id"] for a in preview["applications"]] == [str(latest.pk)]
    assert first.pk != latest.pk


def test_without_an_active_version_there_is_nothing_to_compare(tenant_a):
    draft = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    preview = _preview(tenant_a, draft)
    assert preview["replaces"] is None
    assert preview["summary"]["in_flight"] == 0
    assert "no active version" in preview["note"]


# -- API -----------------------------------------------------------------------------------


def _url(version):
    return f"/api/v1/framework_versions/{version.pk}/publish_preview"


def test_the_api_answers_the_differences_and_writes_nothing(api_a, tenant_a):
    old, new = make_preview_versions(tenant_a)
    make_in_flight_application(tenant_a, old, source="referral")
    before = table_row_counts()
    response = api_a.post(
        _url(new), {"horizon_days": 1, "events": [SCORED_72], "limit": 10}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["summary"]["changed"] == 1
    assert body["events"] == [SCORED_72]
    kinds = {d["kind"] for d in body["applications"][0]["differences"]}
    assert kinds == {"auto_advance", "skip", "escalation"}
    assert table_row_counts() == before


def test_the_api_body_is_optional(api_a, tenant_a):
    old, new = make_preview_versions(tenant_a)
    make_in_flight_application(tenant_a, old)
    response = api_a.post(_url(new))
    assert response.status_code == 200, response.content
    assert response.json()["horizon_days"] == 14
    assert response.json()["limit"] == 50


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"horizon_days": 0}, "horizon_days"),
        ({"horizon_days": 367}, "horizon_days"),
        ({"horizon_days": "a week"}, "horizon_days"),
        ({"limit": 201}, "limit"),
        ({"events": {"type": "x"}}, "events"),
        ({"events": [{"payload": {}}]}, "events[0].type"),
        ({"events": [SCORED_72, {"type": "x", "payload": []}]}, "events[1].payload"),
        (
            {"horizon_days": 1, "events": [{"type": "x", "after_hours": 25}]},
            "events[0].after_hours",
        ),
        ({"events": [{"type": "x", "after_hours": -1}]}, "events[0].after_hours"),
        ({"events": ["x"]}, "events[0]"),
    ],
)
def test_bad_input_is_named_by_its_path(api_a, tenant_a, body, field):
    _, new = make_preview_versions(tenant_a)
    assert_error(api_a.post(_url(new), body, format="json"), 400, "INVALID_SCENARIO", field=field)


def test_an_active_or_retired_version_is_not_about_to_be_published(api_a, tenant_a):
    old, _ = make_preview_versions(tenant_a)
    assert_error(api_a.post(_url(old)), 422, "INVALID_STATUS_CHANGE")
    retired = make_version(tenant=tenant_a, framework=old.framework, status=VersionStatus.RETIRED)
    assert_error(api_a.post(_url(retired)), 422, "INVALID_STATUS_CHANGE")


def test_a_pilot_can_be_previewed(api_a, tenant_a):
    old, new = make_preview_versions(tenant_a)
    with all_tenants_context():
        new.status = VersionStatus.PILOT
        new.save(update_fields=["status"])
    make_in_flight_application(tenant_a, old)
    response = api_a.post(_url(new), {"horizon_days": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["changed"] == 1


def test_another_tenants_version_is_not_found(api_a, tenant_b):
    _, theirs = make_preview_versions(tenant_b)
    assert_error(api_a.post(_url(theirs)), 404, "NOT_FOUND")


def test_another_tenants_applications_are_not_in_flight_here(api_a, tenant_a, tenant_b):
    old, new = make_preview_versions(tenant_a)
    their_old, _ = make_preview_versions(tenant_b)
    make_in_flight_application(tenant_b, their_old)
    response = api_a.post(_url(new), {"horizon_days": 1}, format="json")
    assert response.json()["summary"]["in_flight"] == 0
    assert old.framework_id != their_old.framework_id


def _preview_queries(tenant, applications: int) -> int:
    old, new = make_preview_versions(tenant)
    for _ in range(applications):
        make_in_flight_application(tenant, old)
    with CaptureQueriesContext(connection) as captured:
        preview = _preview(tenant, new, events=[SCORED_72])
    assert preview["summary"]["compared"] == applications
    return len(captured)


def test_the_preview_reads_2_or_8_in_flight_applications_in_the_same_queries(tenant_a, tenant_b):
    assert _preview_queries(tenant_b, 8) == _preview_queries(tenant_a, 2)
