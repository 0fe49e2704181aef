from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def committing_db(transactional_db):
    """A database whose writes really commit (for tests with threads)."""


@pytest.fixture
def candidate_a(tenant_a):
    return factories.make_candidate(tenant=tenant_a)
