"""Fixtures of the integrations tests."""

import pytest

from tests.support import FakeVendor

from .background_check_support import ROUTES


@pytest.fixture
def vendor():
    """A peer system: a real HTTP server on loopback (see `FakeVendor`)."""
    server = FakeVendor()
    yield server
    server.stop()


@pytest.fixture
def checkr():
    """A fake Checkr on loopback answering the routes an order calls."""
    server = FakeVendor(routes=dict(ROUTES))
    yield server
    server.stop()
