"""Requests shared by the approvals API tests: a signed-in API client, an approval requested
for a world's offer, a decision sent with If-Match."""

from __future__ import annotations

from rest_framework.test import APIClient


def api_as(person) -> APIClient:
    client = APIClient()
    client.force_login(person)
    return client


def request_approval(world):
    response = api_as(world.recruiter).post(
        "/api/v1/approval_requests", {"offer": str(world.offer.pk)}, format="json"
    )
    assert response.status_code == 201, response.content
    return response


def decide(client, round_id, version, **body):
    return client.post(
        f"/api/v1/approval_requests/{round_id}/decisions",
        body,
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )
