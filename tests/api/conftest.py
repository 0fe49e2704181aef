from __future__ import annotations

import pytest
from django.db import connection

from tests import factories

_TRUNCATE_GUARDS = """
    SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE t.tgname LIKE '%%_no_truncate' AND NOT t.tgisinternal
"""


def _set_truncate_guards(enabled: bool) -> None:
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        cursor.execute(_TRUNCATE_GUARDS)
        for table, trigger in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" {verb} TRIGGER "{trigger}"')


@pytest.fixture
def _restore_truncate_guards(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _set_truncate_guards(True)


@pytest.fixture
def committing_db(_restore_truncate_guards, transactional_db):
    """A database whose writes really commit (for tests with threads).

    The append-only audit table refuses TRUNCATE, which is how Django empties the
    database after such a test; the guard is lifted for that flush only, then restored.
    """
    yield
    _set_truncate_guards(False)


@pytest.fixture
def candidate_a(tenant_a):
    return factories.make_candidate(tenant=tenant_a)
