"""No input reaches a 500 (issue #11, "The API keeps its contract"): OPTIONS, integers beyond
the column, forged cursors, NUL bytes and deep nesting answer 400 with our error body naming
the field, and nothing is written."""

from __future__ import annotations

import pytest

from milestones.models import (
    ApplicationEvent,
    AutomationRule,
    Framework,
    VersionStatus,
)
from recruiting.models import Requisition
from tests import factories
from tests.milestones.factories import make_version
from tests.support import assert_error, rows

from .input_support import event_body

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


@pytest.mark.parametrize(
    "payload",
    [{"a\u0000b": 1}, {"score": "7\u00000"}, {"nested": [{"k": "\u0000"}]}],
)
def test_a_nul_byte_in_an_event_payload_is_400(api_a, tenant_a, payload):
    application = factories.make_application(tenant=tenant_a)
    response = api_a.post("/api/v1/events", event_body(application, payload), format="json")
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
    response = api_a.post("/api/v1/events", event_body(application, payload), format="json")
    assert response.status_code == 201, response.content[:300]
