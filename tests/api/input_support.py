"""A request body shared by the input-contract tests."""

from __future__ import annotations


def event_body(application, payload) -> dict:
    """An event for `application` with `payload`, valid unless the payload is not."""
    return {
        "application_id": str(application.pk),
        "event_type": "assessment.completed",
        "occurred_at": "2026-01-01T00:00:00Z",
        "payload": payload,
        "idempotency_id": "nul-1",
    }
