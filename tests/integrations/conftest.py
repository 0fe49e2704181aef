"""Fixtures of the integrations tests."""

import pytest

from tests.support import FakeVendor


@pytest.fixture
def vendor():
    """A peer system: a real HTTP server on loopback (see `FakeVendor`)."""
    server = FakeVendor()
    yield server
    server.stop()
