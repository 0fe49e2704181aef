"""Who may call the API: bearer tokens with scopes, or a signed-in member by role."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from recruiting.models import Candidate
from tenants.context import all_tenants_context
from tenants.models import ApiClient, ApiScope, Role
from tests import factories
from tests.support import assert_error, rows

pytestmark = pytest.mark.django_db

CANDIDATES = reverse("candidates-list")
ADA = {"first_name": "Ada", "last_name": "Lovelace"}


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_missing_token_is_401_with_challenge(tenant_a):
    response = APIClient().get(CANDIDATES)
    assert_error(response, 401, "NOT_AUTHENTICATED")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["atsk_unknown", "not-our-format", "atsk_a atsk_b"])
def test_unknown_or_malformed_token_is_401(tenant_a, token):
    assert_error(bearer(token).get(CANDIDATES), 401, "NOT_AUTHENTICATED")


def test_revoked_client_is_401(tenant_a):
    client, token = factories.make_api_client(tenant=tenant_a)
    with all_tenants_context():
        ApiClient.all_tenants.filter(pk=client.pk).update(is_active=False)
    assert_error(bearer(token).get(CANDIDATES), 401, "NOT_AUTHENTICATED")


def test_client_of_a_deactivated_tenant_is_401(tenant_a, api_a):
    tenant_a.is_active = False
    tenant_a.save()
    assert_error(api_a.get(CANDIDATES), 401, "NOT_AUTHENTICATED")


@pytest.mark.parametrize(
    ("url", "scope"),
    [
        (reverse("candidates-list"), ApiScope.CANDIDATES_READ),
        (reverse("requisitions-list"), ApiScope.REQUISITIONS_READ),
        (reverse("applications-list"), ApiScope.APPLICATIONS_READ),
        (reverse("departments-list"), ApiScope.CONFIG_READ),
        (reverse("job_families-list"), ApiScope.CONFIG_READ),
        (reverse("locations-list"), ApiScope.CONFIG_READ),
        (reverse("requisition_types-list"), ApiScope.CONFIG_READ),
    ],
)
def test_token_without_the_read_scope_is_403_naming_it(tenant_a, url, scope):
    others = [s for s in ApiScope.values if s != scope]
    _, token = factories.make_api_client(tenant=tenant_a, scopes=others)
    error = assert_error(bearer(token).get(url), 403, "PERMISSION_DENIED")
    assert scope in error["message"]


def test_read_scope_does_not_allow_writes(tenant_a):
    _, token = factories.make_api_client(tenant=tenant_a, scopes=[ApiScope.CANDIDATES_READ])
    client = bearer(token)
    assert client.get(CANDIDATES).status_code == 200
    assert_error(client.post(CANDIDATES, ADA, format="json"), 403, "PERMISSION_DENIED")
    assert rows(Candidate) == []


def test_recruiter_signed_in_may_create_candidates(recruiter_a, tenant_a):
    client = APIClient()
    client.force_login(recruiter_a)
    response = client.post(CANDIDATES, ADA, format="json")
    assert response.status_code == 201, response.content
    assert rows(Candidate)[0].tenant_id == tenant_a.pk


def test_hiring_manager_signed_in_may_read_but_not_write(tenant_a):
    manager = factories.make_user()
    factories.make_membership(tenant=tenant_a, user=manager, role=Role.HIRING_MANAGER)
    client = APIClient()
    client.force_login(manager)
    assert client.get(CANDIDATES).status_code == 200
    assert_error(client.post(CANDIDATES, ADA, format="json"), 403, "PERMISSION_DENIED")
    assert_error(
        client.post(reverse("departments-list"), {"code": "X", "name": "X"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )


def test_signed_in_user_without_membership_is_403(db):
    client = APIClient()
    client.force_login(factories.make_user())
    assert_error(client.get(CANDIDATES), 403, "PERMISSION_DENIED")


def test_signed_in_member_sees_only_their_tenant(recruiter_a, tenant_a, tenant_b):
    mine = factories.make_candidate(tenant=tenant_a)
    theirs = factories.make_candidate(tenant=tenant_b)
    client = APIClient()
    client.force_login(recruiter_a)
    ids = [c["id"] for c in client.get(CANDIDATES).json()["results"]]
    assert ids == [str(mine.pk)]
    detail = reverse("candidates-detail", kwargs={"pk": theirs.pk})
    assert_error(client.get(detail), 404, "NOT_FOUND")
