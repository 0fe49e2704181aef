"""`Idempotency-Key` on POST: retries replay, reuse with another body is refused,
concurrent retries create one row (a candidate, a move)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ats_milestones.idempotency.models import IdempotencyKey
from ats_milestones.idempotency.services import idempotency_keys_purge
from audit.models import AuditAction
from milestones.models import MilestoneTransition
from recruiting.models import Candidate
from tenants.context import all_tenants_context
from tests import factories
from tests.milestones.factories import make_tracked_application
from tests.support import assert_error, audit_events, refreshed, rows

LIST = reverse("candidates-list")
ADA = {"first_name": "Ada", "last_name": "Lovelace"}
ADVANCE = {"action": "advance", "reason": "phone screen passed"}


def post(client, body, key, url=LIST):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_same_key_and_body_replays_the_first_response(api_a):
    first = post(api_a, ADA, "key-1")
    second = post(api_a, ADA, "key-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert len(rows(Candidate)) == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_422(api_a):
    post(api_a, ADA, "key-1")
    response = post(api_a, {**ADA, "first_name": "Augusta"}, "key-1")
    assert_error(response, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert len(rows(Candidate)) == 1


@pytest.mark.django_db
def test_same_key_with_another_query_string_is_422_and_the_same_in_any_order_replays(api_a):
    first = post(api_a, ADA, "key-1", url=f"{LIST}?a=1&b=2")
    assert post(api_a, ADA, "key-1", url=f"{LIST}?b=2&a=1").json() == first.json()
    response = post(api_a, ADA, "key-1", url=f"{LIST}?a=1&b=3")
    assert_error(response, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert_error(post(api_a, ADA, "key-1"), 422, "IDEMPOTENCY_KEY_REUSED")
    assert len(rows(Candidate)) == 1


@pytest.mark.django_db
def test_same_key_on_another_endpoint_is_422(api_a, tenant_a):
    post(api_a, ADA, "key-1")
    response = post(api_a, {"code": "ENG", "name": "Eng"}, "key-1", url=reverse("departments-list"))
    assert_error(response, 422, "IDEMPOTENCY_KEY_REUSED")


@pytest.mark.django_db
def test_keys_belong_to_their_principal_and_tenant(api_a, api_b, tenant_a):
    other_client_a = APIClient()
    other_client_a.credentials(
        HTTP_AUTHORIZATION=f"Bearer {factories.make_api_client(tenant=tenant_a)[1]}"
    )
    responses = [post(client, ADA, "shared") for client in (api_a, api_b, other_client_a)]
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert not any(r.has_header("Idempotent-Replayed") for r in responses)
    assert len(rows(Candidate)) == 3


@pytest.mark.django_db
def test_a_refused_request_is_not_stored_so_the_key_can_be_retried(api_a):
    assert_error(post(api_a, {"first_name": "Ada"}, "key-1"), 400, "VALIDATION_ERROR", "last_name")
    response = post(api_a, ADA, "key-1")
    assert response.status_code == 201 and not response.has_header("Idempotent-Replayed")


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "   ", "k" * 256])
def test_a_blank_or_overlong_key_is_400_naming_the_header(api_a, key):
    assert_error(post(api_a, ADA, key), 400, "INVALID_INPUT", "Idempotency-Key")
    assert rows(Candidate) == []


@pytest.mark.django_db
def test_post_without_a_key_is_not_deduplicated(api_a):
    api_a.post(LIST, ADA, format="json")
    api_a.post(LIST, ADA, format="json")
    assert len(rows(Candidate)) == 2


@pytest.mark.django_db
def test_purge_forgets_keys_older_than_a_day(api_a):
    post(api_a, ADA, "old")
    post(api_a, ADA, "new")
    with all_tenants_context():
        IdempotencyKey.all_tenants.filter(key="old").update(
            created_at=timezone.now() - timedelta(hours=25)
        )
    assert idempotency_keys_purge() == 1
    assert [k.key for k in rows(IdempotencyKey)] == ["new"]


def test_concurrent_requests_with_one_key_create_one_row(committing_db, api_token_a):
    """Real threads, real commits: the second request waits on the key's unique index."""
    workers = 4
    barrier = threading.Barrier(workers)
    responses: list = []
    errors: list = []

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_a}")
        try:
            barrier.wait(timeout=10)
            responses.append(post(client, ADA, "race-key"))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert sorted(r.status_code for r in responses) == [201] * workers
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.has_header("Idempotent-Replayed") for r in responses) == workers - 1
    assert len(rows(Candidate)) == 1
    assert len(rows(IdempotencyKey)) == 1


# -- a move (POST /applications/{id}/transitions) ------------------------------------------


def _move(client, application, body, *, version, key):
    return client.post(
        reverse("application-transitions", kwargs={"pk": application.pk}),
        body,
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.mark.django_db
def test_a_retried_move_with_a_refreshed_if_match_replays_the_first_move(api_a, tenant_a):
    """The retry of a move whose answer was lost: the client re-read the application (its
    version has moved on because of the first move) and sends the same key again."""
    application = make_tracked_application(tenant=tenant_a)
    first = _move(api_a, application, ADVANCE, version=application.version, key="move-1")
    assert first.status_code == 201, first.content
    retry = _move(api_a, application, ADVANCE, version=application.version + 1, key="move-1")
    assert retry.status_code == 201, retry.content
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert len(rows(MilestoneTransition, application=application, kind="advance")) == 1
    assert refreshed(application).version == application.version + 1


@pytest.mark.django_db
def test_the_same_key_with_another_move_is_422_and_moves_nothing(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    _move(api_a, application, ADVANCE, version=application.version, key="move-1")
    other = {"action": "advance", "reason": "a different move"}
    response = _move(api_a, application, other, version=application.version + 1, key="move-1")
    assert_error(response, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert len(rows(MilestoneTransition, application=application, kind="advance")) == 1
    assert refreshed(application).version == application.version + 1


@pytest.mark.django_db
def test_a_refused_move_stores_no_key_and_its_denial_stays_audited(api_a, tenant_a, tenant_b):
    """Another tenant's application is a 404 that is audited; with a key the request's
    transaction is rolled back, and the audit event must survive that."""
    theirs = make_tracked_application(tenant=tenant_b)
    response = _move(api_a, theirs, ADVANCE, version=theirs.version, key="probe-1")
    assert_error(response, 404, "NOT_FOUND")
    assert rows(IdempotencyKey) == []
    denied = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(theirs.pk))
    assert [event.tenant_id for event in denied] == [tenant_a.pk]


def test_concurrent_moves_with_one_key_make_one_transition(committing_db, tenant_a, api_token_a):
    """Twelve copies of one move at once, each with the same key and If-Match: the first
    to insert the key moves; the others wait on the key's unique index, then replay."""
    application = make_tracked_application(tenant=tenant_a)
    workers = 12
    barrier = threading.Barrier(workers)
    responses: list = []
    errors: list = []

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_a}")
        try:
            barrier.wait(timeout=10)
            responses.append(
                _move(client, application, ADVANCE, version=application.version, key="race")
            )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert [r.status_code for r in responses] == [201] * workers, [r.content for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.has_header("Idempotent-Replayed") for r in responses) == workers - 1
    assert len(rows(MilestoneTransition, application=application, kind="advance")) == 1
    assert refreshed(application).version == application.version + 1
