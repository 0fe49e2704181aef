"""Wrong input is refused, not coerced (issue #11): strict types, bounded timestamps, one rule
for ids in a body the caller cannot see; each a 400 naming the field, nothing written."""

from __future__ import annotations

import pytest

from milestones.models import (
    ApplicationEvent,
    Framework,
    Holiday,
    LegacyStageMapping,
    MilestoneSettings,
    VersionStatus,
)
from tenants.models import RequisitionType
from tests import factories
from tests.milestones.factories import make_version
from tests.support import assert_error, rows

from .input_support import event_body

pytestmark = pytest.mark.django_db

# -- strict types -----------------------------------------------------------------------------


def test_an_integer_for_a_holiday_name_is_400(api_a, tenant_a):
    response = api_a.post("/api/v1/holidays", {"date": "2026-12-25", "name": 5}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="name")
    assert rows(Holiday, tenant=tenant_a) == []


def test_an_integer_for_a_framework_description_is_400(api_a, tenant_a):
    response = api_a.post("/api/v1/frameworks", {"name": "F", "description": 5}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="description")
    assert rows(Framework, tenant=tenant_a) == []


def test_an_integer_for_a_mapping_milestone_code_is_400(api_a, tenant_a):
    body = {"source_system": "old", "legacy_stage": "Screen", "milestone_code": 5}
    response = api_a.post("/api/v1/legacy_mappings", body, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="milestone_code")
    assert rows(LegacyStageMapping, tenant=tenant_a) == []


def test_an_integer_for_the_code_pattern_is_400(api_a, tenant_a):
    response = api_a.patch("/api/v1/milestone_settings", {"code_pattern": 5}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="code_pattern")
    assert rows(MilestoneSettings, tenant=tenant_a) == []


@pytest.mark.parametrize("value", [0, 1, "true", "yes"])
def test_a_non_boolean_for_a_boolean_is_400(api_a, tenant_a, value):
    body = {"code": "EXE", "name": "Executive", "flsa_status": "exempt", "is_executive": value}
    response = api_a.post("/api/v1/requisition_types", body, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="is_executive")
    assert rows(RequisitionType, tenant=tenant_a) == []


def test_a_string_for_an_integer_is_400(api_a, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    body = {
        "version_id": str(version.pk),
        "kind": "auto_advance",
        "name": "Str",
        "milestone_code": "SCREEN",
        "event_type": "assessment.completed",
        "order": "3",
    }
    response = api_a.post("/api/v1/automation_rules", body, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="order")


def test_an_integer_in_a_list_of_strings_is_400(api_a, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    response = api_a.post(
        f"/api/v1/framework_versions/{version.pk}/milestones_order",
        {"codes": [1, 2]},
        format="json",
    )
    assert_error(response, 400, "VALIDATION_ERROR", field="codes.0")


def test_an_empty_updated_after_is_400(api_a, tenant_a):
    response = api_a.get("/api/v1/candidates?updated_after=")
    assert_error(response, 400, "VALIDATION_ERROR", field="updated_after")


def test_unread_maybe_is_400(api_a, tenant_a):
    response = api_a.get("/api/v1/notifications", {"unread": "maybe"})
    assert_error(response, 400, "VALIDATION_ERROR", field="unread")


def test_unread_true_still_filters(api_a, tenant_a):
    assert api_a.get("/api/v1/notifications", {"unread": "true"}).status_code == 200


@pytest.mark.parametrize(
    "body", [b"garbage", b"garbage\nmore garbage\n", b"", b"legacy_stage,entered_at\nA,B\n"]
)
def test_a_csv_without_the_documented_header_is_400_naming_file(api_a, tenant_a, body):
    response = api_a.post(
        "/api/v1/legacy_imports?source_system=old", data=body, content_type="text/csv"
    )
    assert_error(response, 400, field="file")


def test_a_csv_with_the_documented_header_is_still_read(api_a, tenant_a):
    response = api_a.post(
        "/api/v1/legacy_imports?source_system=old&dry_run=true",
        data=b"application_external_id,legacy_stage,entered_at,left_at\n",
        content_type="text/csv",
    )
    assert response.status_code == 200, response.content[:300]


# -- timestamps ---------------------------------------------------------------------------


@pytest.mark.parametrize("occurred_at", ["0330-08-19T11:30:39.68Z", "3000-01-01T00:00:00Z"])
def test_a_year_outside_1900_to_2999_is_400(api_a, tenant_a, occurred_at):
    application = factories.make_application(tenant=tenant_a)
    body = {**event_body(application, {}), "occurred_at": occurred_at}
    response = api_a.post("/api/v1/events", body, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="occurred_at")
    assert rows(ApplicationEvent, tenant=tenant_a) == []


def test_a_timezone_aware_business_time_is_400(api_a, tenant_a):
    response = api_a.patch(
        "/api/v1/business_hours", {"business_day_start": "09:00:00+02:00"}, format="json"
    )
    assert_error(response, 400, "VALIDATION_ERROR", field="business_day_start")


# -- ids in a body the caller cannot see: one rule, 400 naming the field ------------------


def test_another_tenants_version_in_a_rule_body_is_400(api_a, tenant_a, tenant_b):
    theirs = make_version(tenant=tenant_b, status=VersionStatus.DRAFT)
    body = {
        "version_id": str(theirs.pk),
        "kind": "auto_advance",
        "name": "Theirs",
        "milestone_code": "SCREEN",
        "event_type": "assessment.completed",
    }
    response = api_a.post("/api/v1/automation_rules", body, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="version_id")


def test_another_tenants_application_in_an_event_body_is_400(api_a, tenant_a, tenant_b):
    theirs = factories.make_application(tenant=tenant_b)
    response = api_a.post("/api/v1/events", event_body(theirs, {}), format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="application_id")


def test_another_tenants_application_in_a_scenario_is_400(api_a, tenant_a, tenant_b):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    theirs = factories.make_application(tenant=tenant_b)
    body = {
        "clock_start": "2026-01-01T00:00:00Z",
        "clock_end": "2026-02-01T00:00:00Z",
        "applications": [{"application_id": str(theirs.pk)}],
    }
    response = api_a.post(
        f"/api/v1/framework_versions/{version.pk}/sandbox_runs", body, format="json"
    )
    assert_error(response, 400, field="applications[0].application_id")


def test_an_empty_string_for_a_reference_is_400_not_null(api_a, tenant_a):
    parent = factories.make_department(tenant=tenant_a)
    child = factories.make_department(tenant=tenant_a, parent=parent)
    response = api_a.patch(f"/api/v1/departments/{child.pk}", {"parent": ""}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="parent")
    (row,) = rows(type(child), pk=child.pk)
    assert row.parent_id == parent.pk


def test_an_unknown_field_in_a_plain_input_body_is_400(api_a, tenant_a):
    body = {"code_pattern": "^[A-Z]+$", "error": {"fields": {}}}
    response = api_a.patch("/api/v1/milestone_settings", body, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="error")
    assert rows(MilestoneSettings, tenant=tenant_a) == []


def test_api_modules_take_their_fields_from_the_kernel():
    """Strictness holds only if no API module reaches past the kernel for DRF's lenient
    fields or django-filter's FilterSet (docs/api.md, For maintainers)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    kernel = root / "ats_milestones" / "api"
    offenders = []
    for module in root.glob("*/api/**/*.py"):
        if module.is_relative_to(kernel) or module.parts[len(root.parts)] in ("tests", ".venv"):
            continue
        text = module.read_text()
        for needle in (
            "from rest_framework import serializers",
            "from rest_framework.serializers",
            "django_filters.FilterSet",
            "django_filters.BooleanFilter",
        ):
            if needle in text:
                offenders.append(f"{module.relative_to(root)}: {needle}")
    assert offenders == []
