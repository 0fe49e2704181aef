from __future__ import annotations

import pytest
from django.test import Client

from tenants.models import Role
from tests import factories


@pytest.fixture
def client_a(recruiter_a) -> Client:
    """A browser session of a recruiter who belongs to tenant A only."""
    client = Client()
    client.force_login(recruiter_a)
    return client


@pytest.fixture
def recruiter_ab(tenant_a, tenant_b):
    """A recruiter who belongs to both tenants (A is first by name, so the default)."""
    user = factories.make_user(username="sam")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.RECRUITER)
    factories.make_membership(tenant=tenant_b, user=user, role=Role.RECRUITER)
    return user


@pytest.fixture
def client_ab(recruiter_ab) -> Client:
    client = Client()
    client.force_login(recruiter_ab)
    return client


@pytest.fixture
def admin_a(tenant_a):
    """An admin of tenant A only (designs the workflows)."""
    user = factories.make_user(username="ada")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def admin_client(admin_a) -> Client:
    client = Client()
    client.force_login(admin_a)
    return client
