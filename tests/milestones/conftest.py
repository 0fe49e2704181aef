"""Fixtures of the milestone tests.

`flushable_append_only_tables` is a transactional database; the hook in
tests/conftest.py lets its flush empty the append-only tables.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def flushable_append_only_tables(transactional_db):
    """Committed writes; tests/conftest.py lets their flush empty append-only tables."""
