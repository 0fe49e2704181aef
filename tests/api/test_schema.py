"""The OpenAPI schema is valid, documents the token scheme and errors; docs need no CDN."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from tests.support import api_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(db) -> dict:
    response = APIClient().get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_schema_generation_is_valid_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_bearer_token_scheme_is_documented(schema):
    scheme = schema["components"]["securitySchemes"]["apiClientToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    operation = schema["paths"]["/api/v1/candidates"]["get"]
    assert {"apiClientToken": []} in operation["security"]


def test_every_api_operation_documents_its_error_responses(schema):
    for path, operations in schema["paths"].items():
        if path == "/api/v1/ping":
            continue
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if method == "post":
                assert {"400", "409", "422"} <= codes, (method, path)
            if method in ("put", "patch"):
                assert {"400", "404", "409"} <= codes, (method, path)
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["$ref"].endswith("ErrorDetail")


def test_every_api_route_is_in_the_schema(schema):
    documented = set(schema["paths"])
    for route, pattern, _ in api_routes():
        if pattern.name == "api-schema":  # the schema does not describe itself
            continue
        assert _openapi_path(route) in documented, route


def test_every_api_path_is_snake_case(schema):
    """One style of path (docs/api.md, changelog 2026-12-01): resources, actions and
    sub-resources in lower-case snake_case, parameters aside."""
    odd = sorted(
        path
        for path in schema["paths"]
        if not re.fullmatch(r"[a-z0-9_/]*", re.sub(r"\{\w+\}", "", path))
    )
    assert odd == []


def _openapi_path(route: str) -> str:
    """A URL route as the schema spells it: `pk` is `{id}`, any other parameter `{name}`."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)  # router regex groups
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)  # path() converters
    return "/" + route.replace("{pk}", "{id}")


def test_swagger_ui_is_served_from_our_own_static_files():
    response = APIClient().get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn." not in html and "unpkg" not in html


def test_every_post_documents_the_idempotency_key_and_the_replay_header(schema):
    for path, operations in schema["paths"].items():
        if "post" not in operations:
            continue
        operation = operations["post"]
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path
        successes = [code for code in operation["responses"] if code.startswith("2")]
        assert successes, path
        for code in successes:
            assert "Idempotent-Replayed" in operation["responses"][code].get("headers", {}), (
                path,
                code,
            )


def test_every_api_operation_documents_429_with_retry_after(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            throttled = operation["responses"].get("429")
            assert throttled, (method, path)
            assert "Retry-After" in throttled.get("headers", {}), (method, path)


# -- the schema says what the code does (issue #11) ----------------------------------------

ONE_ARRAY_LISTS = [
    "/api/v1/applications/{id}/deadlines",
    "/api/v1/applications/{id}/milestones",
    "/api/v1/approval_policies/{id}/versions",
    "/api/v1/exports",
    "/api/v1/frameworks/{id}/versions",
    "/api/v1/integration_health",
    "/api/v1/reconciliation",
]


@pytest.mark.parametrize("path", ONE_ARRAY_LISTS)
def test_lists_answered_as_one_array_are_documented_as_arrays(schema, path):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"]["type"] == "array", content


def test_one_array_lists_answer_arrays(api_a, tenant_a):
    from tests import factories
    from tests.milestones.factories import make_framework

    application = factories.make_application(tenant=tenant_a)
    framework = make_framework(tenant=tenant_a)
    policy = api_a.post(
        "/api/v1/approval_policies",
        {
            "name": "Offers",
            "subject_kind": "offer",
            "steps": [{"name": "HRBP", "approvers": [{"role": "hrbp"}]}],
        },
        format="json",
    ).json()
    for url in (
        f"/api/v1/applications/{application.pk}/deadlines",
        f"/api/v1/applications/{application.pk}/milestones",
        f"/api/v1/approval_policies/{policy['id']}/versions",
        "/api/v1/exports",
        f"/api/v1/frameworks/{framework.pk}/versions",
        "/api/v1/reconciliation",
    ):
        response = api_a.get(url)
        assert response.status_code == 200 and isinstance(response.json(), list), url


def _component(schema, name) -> dict:
    return schema["components"]["schemas"][name]["properties"]


def test_a_blank_email_is_allowed_by_the_schema(schema):
    import jsonschema_rs

    for name in ("CandidateOutput", "CandidateInputRequest", "PatchedCandidateInputRequest"):
        email = _component(schema, name)["email"]
        validator = jsonschema_rs.Draft4Validator(email, validate_formats=True)
        assert validator.is_valid("") and validator.is_valid("ada@example.com"), (name, email)
        assert not validator.is_valid("not an email"), (name, email)


def test_business_hours_times_are_patterns_not_the_time_format(schema):
    for name in ("BusinessHours", "PatchedBusinessHoursRequest"):
        for field in ("business_day_start", "business_day_end"):
            prop = _component(schema, name)[field]
            assert "format" not in prop and prop["pattern"], (name, field, prop)


def test_a_transitions_from_code_is_nullable(schema):
    properties = _component(schema, "TransitionOutput")
    assert properties["from_code"].get("nullable") is True
    assert properties["to_code"].get("nullable") is True


def test_every_operation_documents_the_statuses_the_kernel_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "406", "429"} <= codes, (method, path, codes)
            if "requestBody" in operation:
                assert {"413", "415"} <= codes, (method, path, codes)


def test_page_size_and_cursor_are_documented(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/candidates"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1}
    assert "400" in parameters["cursor"]["description"]


def test_an_import_refusal_matches_the_error_schema(schema, api_a, tenant_a):
    import jsonschema_rs

    response = api_a.post(
        "/api/v1/legacy_imports", {"source_system": "old", "rows": [1]}, format="json"
    )
    assert response.status_code == 422, response.content[:300]
    detail = schema["components"]["schemas"]["ErrorDetail"]
    validator = jsonschema_rs.Draft4Validator(
        {**detail, "components": schema["components"]}, validate_formats=True
    )
    assert validator.is_valid(response.json()["error"]), response.json()
