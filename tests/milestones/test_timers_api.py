"""The timer API: escalation levels and deadline rules on drafts, the business calendar,
and the deadline dates of an application."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from milestones.models import (
    DeadlineFiring,
    DeadlineRule,
    EscalationRule,
    FrameworkVersion,
    MilestoneDefinition,
    VersionStatus,
)
from milestones.services.versions.lifecycle import framework_version_copy_to_draft
from tenants.context import tenant_context
from tests.support import assert_error, refreshed, rows

from .factories import (
    make_deadline_rule,
    make_escalation_rule,
    make_tracked_application,
    make_version,
)

pytestmark = pytest.mark.django_db


def first_milestone(version) -> MilestoneDefinition:
    return rows(MilestoneDefinition, version=version, order=1)[0]


def test_a_level_on_a_draft_is_created_and_keeps_first_escalation_after(api_a, tenant_a):
    milestone = first_milestone(make_version(tenant=tenant_a, status=VersionStatus.DRAFT))
    for level, after in ((2, "4 00:00:00"), (1, "2 00:00:00")):
        response = api_a.post(
            "/api/v1/escalation_rules",
            {
                "milestone_id": str(milestone.pk),
                "level": level,
                "after": after,
                "notify": ["recruiter"],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
    assert refreshed(milestone).first_escalation_after == timedelta(days=2)

    listed = api_a.get(f"/api/v1/escalation_rules?milestone_id={milestone.pk}").json()
    assert sorted(r["level"] for r in listed["results"]) == [1, 2]

    rule = rows(EscalationRule, milestone=milestone, level=1)[0]
    assert api_a.delete(f"/api/v1/escalation_rules/{rule.pk}").status_code == 204
    assert refreshed(milestone).first_escalation_after == timedelta(days=4)


def test_a_level_on_a_published_version_is_refused(api_a, tenant_a):
    milestone = first_milestone(make_version(tenant=tenant_a))
    response = api_a.post(
        "/api/v1/escalation_rules",
        {"milestone_id": str(milestone.pk), "level": 1, "after": "2 00:00:00"},
        format="json",
    )
    assert_error(response, 422, "VERSION_NOT_EDITABLE")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": 1, "after": "-1 00:00:00"}, "after"),
        ({"level": 1, "after": "1 00:00:00", "notify": ["ceo"]}, "notify.0"),
        ({"level": 0, "after": "1 00:00:00"}, "level"),
        ({"after": "1 00:00:00"}, "level"),
    ],
)
def test_an_invalid_level_answers_400_naming_the_field(api_a, tenant_a, body, field):
    milestone = first_milestone(make_version(tenant=tenant_a, status=VersionStatus.DRAFT))
    response = api_a.post(
        "/api/v1/escalation_rules", {"milestone_id": str(milestone.pk), **body}, format="json"
    )
    assert_error(response, 400, field=field)


def test_a_second_level_with_the_same_number_answers_400(api_a, tenant_a):
    rule = make_escalation_rule(tenant=tenant_a)
    response = api_a.post(
        "/api/v1/escalation_rules",
        {"milestone_id": str(rule.milestone_id), "level": 1, "after": "3 00:00:00"},
        format="json",
    )
    assert_error(response, 400, field="level")


def test_a_move_rule_must_name_a_milestone_of_the_version(api_a, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    body = {
        "version_id": str(version.pk),
        "name": "Offer expired",
        "deadline_kind": "offer_expires_at",
        "offset": "00:00:00",
        "action": "move",
    }
    response = api_a.post("/api/v1/deadline_rules", {**body, "move_to_code": "NOPE"}, format="json")
    assert_error(response, 400, field="move_to_code")
    response = api_a.post(
        "/api/v1/deadline_rules", {**body, "move_to_code": "HIRED"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["move_to_code"] == "HIRED"


def test_copy_to_draft_copies_escalation_levels_and_deadline_rules(tenant_a):
    version = make_version(tenant=tenant_a)
    make_escalation_rule(tenant=tenant_a, milestone=first_milestone(version), level=1)
    make_deadline_rule(tenant=tenant_a, version=version)
    with tenant_context(tenant_a):
        MilestoneDefinition.objects.filter(version=version, order=1).update(
            first_escalation_after=timedelta(hours=48)
        )
        draft = framework_version_copy_to_draft(version=FrameworkVersion.objects.get(pk=version.pk))

    copied = rows(EscalationRule, milestone__version=draft)
    assert [(r.level, r.after) for r in copied] == [(1, timedelta(hours=48))]
    assert first_milestone(draft).first_escalation_after == timedelta(hours=48)
    assert [r.name for r in rows(DeadlineRule, version=draft)] == ["Offer expiry reminder"]


def test_setting_moving_and_clearing_an_application_deadline(api_a, tenant_a):
    version = make_version(tenant=tenant_a)
    rule = make_deadline_rule(tenant=tenant_a, version=version)
    application = make_tracked_application(tenant=tenant_a, version=version)
    url = f"/api/v1/applications/{application.pk}/deadlines"
    at = (timezone.now() + timedelta(days=5)).replace(microsecond=0)

    response = api_a.post(url, {"kind": "offer_expires_at", "at": at.isoformat()}, format="json")
    assert response.status_code == 200, response.content
    [firing] = response.json()["firings"]
    assert firing["rule_id"] == str(rule.pk) and firing["fired_at"] is None

    later = at + timedelta(days=1)
    response = api_a.put(f"{url}/offer_expires_at", {"at": later.isoformat()}, format="json")
    assert response.status_code == 200, response.content
    [stored] = rows(DeadlineFiring, deadline__application=application)
    assert stored.fires_at == later - timedelta(days=2)

    assert [d["kind"] for d in api_a.get(url).json()] == ["offer_expires_at"]
    assert api_a.delete(f"{url}/offer_expires_at").status_code == 204
    assert api_a.get(url).json() == []
    assert_error(api_a.delete(f"{url}/offer_expires_at"), 404, "NOT_FOUND")


def test_a_deadline_kind_must_be_snake_case(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    response = api_a.post(
        f"/api/v1/applications/{application.pk}/deadlines",
        {"kind": "Offer Expires!", "at": timezone.now().isoformat()},
        format="json",
    )
    assert_error(response, 400, field="kind")


def test_business_hours_and_holidays(api_a):
    response = api_a.patch(
        "/api/v1/business_hours",
        {"business_timezone": "Europe/Berlin", "business_weekdays": [1, 2, 3, 4]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert api_a.get("/api/v1/business_hours").json()["business_timezone"] == "Europe/Berlin"
    assert_error(
        api_a.patch("/api/v1/business_hours", {"business_timezone": "Mars/Olympus"}, format="json"),
        400,
        field="business_timezone",
    )
    holiday = {"date": "2026-12-25", "name": "Christmas"}
    assert api_a.post("/api/v1/holidays", holiday, format="json").status_code == 201
    assert_error(api_a.post("/api/v1/holidays", holiday, format="json"), 400, field="date")
