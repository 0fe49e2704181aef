"""Everything under /api/ answers JSON with our error body, unknown paths and methods
included; pages outside it keep Django's HTML (issue #11)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.support import assert_error

pytestmark = pytest.mark.django_db

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


def test_error_bodies_are_json(api_a):
    response = api_a.get("/api/v1/nope")
    assert json.loads(response.content)["error"]["code"] == "NOT_FOUND"


def test_reverse_of_the_api_still_works():
    assert reverse("candidates-list") == "/api/v1/candidates"
