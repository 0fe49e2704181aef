from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tenants.models import Role

from . import factories


@pytest.fixture
def tenant_a(db):
    return factories.make_tenant(slug="acme", name="Acme Corp")


@pytest.fixture
def tenant_b(db):
    return factories.make_tenant(slug="globex", name="Globex Inc")


@pytest.fixture
def api_token_a(tenant_a) -> str:
    return factories.make_api_client(tenant=tenant_a)[1]


@pytest.fixture
def api_token_b(tenant_b) -> str:
    return factories.make_api_client(tenant=tenant_b)[1]


@pytest.fixture
def api_a(api_token_a) -> APIClient:
    """A REST client of another HR system, authenticated for tenant A with every scope."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_a}")
    return client


@pytest.fixture
def api_b(api_token_b) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_b}")
    return client


@pytest.fixture
def recruiter_a(tenant_a):
    user = factories.make_user(username="rita")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.RECRUITER)
    return user
