"""Django's Postgres backend, reading timestamps with psycopg's C loader.

Django registers a Python subclass of psycopg's `timestamptz` loader (to pin the tzinfo),
which psycopg cannot swap for its C twin: every timestamp is parsed by a regex in
Python, ~11 us against ~1 us. A move reads some sixty. With USE_TZ and UTC, which
Django also sets as the session's TimeZone, the C loader answers the same values
(tzinfo `datetime.timezone.utc`), so plain cursors get it; named (server-side) cursors
keep Django's. `tests/test_db_backend.py` holds the equivalence.
"""

from __future__ import annotations

from datetime import UTC

from django.db.backends.postgresql import base
from psycopg.types.datetime import TimestamptzLoader


class DatabaseWrapper(base.DatabaseWrapper):
    @base.async_unsafe
    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if name is None and self.timezone is UTC:
            cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        return cursor
