"""No input reaches a 500, and wrong input is refused: 400 with our error body naming the
field, and nothing written (issue #11, "The API keeps its contract")."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from milestones.models import (
    ApplicationEvent,
    AutomationRule,
    Framework,
    Holiday,
    LegacyStageMapping,
    MilestoneSettings,
    VersionStatus,
)
from recruiting.models import Requisition
from tenants.models import RequisitionType
from tests import factories
from tests.milestones.factories import make_version
from tests.support import assert_error, rows

pytestmark = pytest.mark.django_db

FORGED_CURSOR = "cD0tMQ=="  # base64 of "p=-1": a cursor we never handed out


# -- OPTIONS --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["applications/{id}/transitions", "applications/{id}/deadlines", "legacy_imports"],
)
def test_options_answers_json_not_500(api_a, tenant_a, path):
    application = factories.make_application(tenant=tenant_a)
    response = api_a.options("/api/v1/" + path.format(id=application.pk))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/json")


# -- integers beyond the column ---------------------------------------------------------------


@pytest.mark.parametrize("order", [2147483648, 9223372036854775809, -2147483649])
def test_an_integer_beyond_the_column_is_400_naming_it(api_a, tenant_a, order):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    body = {
        "version_id": str(version.pk),
        "kind": "auto_advance",
        "name": "Big",
        "milestone_code": "SCREEN",
        "event_type": "assessment.completed",
        "order": order,
    }
    response = api_a.post("/api/v1/automation_rules", body, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="order")
    assert rows(AutomationRule, tenant=tenant_a) == []


def test_a_model_integer_beyond_its_column_is_400(api_a, tenant_a):
    body = {
        "title": "Huge",
        "department": str(factories.make_department(tenant=tenant_a).pk),
        "requisition_type": str(factories.make_requisition_type(tenant=tenant_a).pk),
        "openings": 9223372036854775809,
    }
    response = api_a.post("/api/v1/requisitions", body, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="openings")
    assert rows(Requisition, tenant=tenant_a) == []


def test_a_user_id_beyond_bigint_is_400(api_a, tenant_a):
    body = {
        "title": "Huge",
        "department": str(factories.make_department(tenant=tenant_a).pk),
        "requisition_type": str(factories.make_requisition_type(tenant=tenant_a).pk),
        "recruiter": 9223372036854775809,
    }
    response = api_a.post("/api/v1/requisitions", body, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="recruiter")


@pytest.mark.parametrize("value", ["9223372036854775809", "-9223372036854775809"])
def test_an_integer_query_parameter_beyond_bigint_is_400(api_a, tenant_a, value):
    response = api_a.get("/api/v1/requisitions", {"recruiter": value})
    assert_error(response, 400, "VALIDATION_ERROR", field="recruiter")


# -- cursors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource",
    [
        "candidates",
        "applications",
        "requisitions",
        "events",
        "automation_failures",
        "departments",
    ],
)
@pytest.mark.parametrize("cursor", [FORGED_CURSOR, "garbage", "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5"])
def test_a_forged_cursor_is_400_naming_cursor(api_a, tenant_a, resource, cursor):
    factories.make_candidate(tenant=tenant_a)
    response = api_a.get(f"/api/v1/{resource}", {"cursor": cursor})
    assert_error(response, 400, "VALIDATION_ERROR", field="cursor")


def test_a_cursor_we_handed_out_still_pages(api_a, tenant_a):
    for _ in range(3):
        factories.make_candidate(tenant=tenant_a)
    first = api_a.get("/api/v1/candidates", {"page_size": 2}).json()
    second = api_a.get(first["next"])
    assert second.status_code == 200
    assert len(second.json()["results"]) == 1


# -- NUL bytes ------------------------------------------------------------------------------


def _event(application, payload) -> dict:
    return {
        "application_id": str(application.pk),
        "event_type": "assessment.completed",
        "occurred_at": "2026-01-01T00:00:00Z",
        "payload": payload,
        "idempotency_id": "nul-1",
    }


@pytest.mark.parametrize(
    "payload",
    [{"a\u0000b": 1}, {"score": "7\u00000"}, {"nested": [{"k": "\u0000"}]}],
)
def test_a_nul_byte_in_an_event_payload_is_400(api_a, tenant_a, payload):
    application = factories.make_application(tenant=tenant_a)
    response = api_a.post("/api/v1/events", _event(application, payload), format="json")
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert [name for name in error["fields"] if name.startswith("payload")], error
    assert rows(ApplicationEvent, tenant=tenant_a) == []


def test_a_nul_byte_in_a_query_filter_is_400(api_a, tenant_a):
    response = api_a.get("/api/v1/legacy_mappings?source_system=a%00b")
    assert_error(response, 400, field="source_system")


def test_a_nul_byte_in_a_path_id_is_400(api_a, tenant_a):
    response = api_a.get("/api/v1/candidates/%00")
    assert_error(response, 400, field="id")


# -- nesting ------------------------------------------------------------------------------


def test_json_nested_beyond_the_limit_is_400(api_a, tenant_a):
    deep = "[" * 5000 + "]" * 5000
    body = '{"name": "Deep", "description": "", "requisition_type_ids": ' + deep + "}"
    response = api_a.post("/api/v1/frameworks", body, content_type="application/json")
    assert_error(response, 400, "MALFORMED_REQUEST")
    assert rows(Framework, tenant=tenant_a) == []


def test_json_nested_within_the_limit_is_parsed(api_a, tenant_a):
    application = factories.make_application(tenant=tenant_a)
    payload: dict = {}
    inner = payload
    for _ in range(30):
        inner["k"] = {}
        inner = inner["k"]
    response = api_a.post("/api/v1/events", _event(application, payload), format="json")
    assert response.status_code == 201, response.content[:300]


# -- HTML where JSON is due ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/nope",
        "/api/v1/nope",
        "/api/v1/requisitions/",
        "/api/v1/candidates/0.5",
        "/api/v1/candidates/not-a-uuid/extra",
        "/api/",
    ],
)
def test_an_unknown_api_path_answers_json_404(api_a, path):
    response = api_a.get(path)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    assert_error(response, 404, "NOT_FOUND")


def test_an_unknown_api_path_answers_json_404_without_credentials(client):
    response = client.get("/api/v1/nope")
    assert response["Content-Type"].startswith("application/json")
    assert_error(response, 404, "NOT_FOUND")


def test_an_unknown_api_path_answers_json_404_for_any_method(api_a):
    assert_error(api_a.post("/api/v1/nope", {}, format="json"), 404, "NOT_FOUND")
    assert_error(api_a.delete("/api/v1/requisitions/"), 404, "NOT_FOUND")


def test_a_page_outside_the_api_still_answers_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_a_method_the_route_does_not_have_is_json_405(api_a):
    response = api_a.delete("/api/v1/candidates")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")


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
    body = {**_event(application, {}), "occurred_at": occurred_at}
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
    response = api_a.post("/api/v1/events", _event(theirs, {}), format="json")
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


# -- the milestone code pattern: linear time -------------------------------------------------


def test_a_catastrophic_code_pattern_validates_codes_in_linear_time(api_a, tenant_a):
    response = api_a.patch("/api/v1/milestone_settings", {"code_pattern": "^(A+)+$"}, format="json")
    assert response.status_code == 200, response.content[:300]
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    started = time.monotonic()
    response = api_a.post(
        f"/api/v1/framework_versions/{version.pk}/milestones",
        {"code": "A" * 26 + "!", "name": "Slow"},
        format="json",
    )
    assert time.monotonic() - started < 1.0
    assert_error(response, 400, field="code")


@pytest.mark.parametrize("pattern", [r"^(A)\1$", r"^(?=A)[A-Z]+$", "[unclosed"])
def test_an_unsupported_code_pattern_is_400_naming_it(api_a, tenant_a, pattern):
    response = api_a.patch("/api/v1/milestone_settings", {"code_pattern": pattern}, format="json")
    assert_error(response, 400, field="code_pattern")
    assert rows(MilestoneSettings, tenant=tenant_a) == []


def test_the_code_pattern_still_applies(api_a, tenant_a):
    api_a.patch("/api/v1/milestone_settings", {"code_pattern": "^[A-Z]{2,8}$"}, format="json")
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    url = f"/api/v1/framework_versions/{version.pk}/milestones"
    assert_error(api_a.post(url, {"code": "lower", "name": "x"}, format="json"), 400, field="code")
    assert api_a.post(url, {"code": "UPPER", "name": "x"}, format="json").status_code == 201


def test_error_bodies_are_json(api_a):
    response = api_a.get("/api/v1/nope")
    assert json.loads(response.content)["error"]["code"] == "NOT_FOUND"


def test_reverse_of_the_api_still_works():
    assert reverse("candidates-list") == "/api/v1/candidates"


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
