"""Fixtures of the milestone tests.

Transactional tests end with a TRUNCATE of every table, which the append-only tables
(audit events, milestone transitions) refuse by design. `flushable_append_only_tables`
lifts only their TRUNCATE triggers for that flush and puts them back right after it.
"""

from __future__ import annotations

import pytest
from django.db import connection

_NO_TRUNCATE_TRIGGERS = """
SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
WHERE t.tgname LIKE '%%_no_truncate'
"""


def _set_truncate_triggers(enabled: bool) -> None:
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        cursor.execute(_NO_TRUNCATE_TRIGGERS)
        for table, trigger in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" {verb} TRIGGER "{trigger}"')


@pytest.fixture
def flushable_append_only_tables(request, transactional_db, django_db_blocker):
    request.node._restore_truncate_triggers = django_db_blocker
    yield
    _set_truncate_triggers(False)  # the flush of transactional_db runs next


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    blocker = getattr(item, "_restore_truncate_triggers", None)
    if blocker is not None:
        with blocker.unblock():
            _set_truncate_triggers(True)
            connection.close()
