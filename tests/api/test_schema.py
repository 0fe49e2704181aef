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
