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


_NO_TRUNCATE_TRIGGERS = """
SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
WHERE t.tgname LIKE '%%_no_truncate' AND NOT t.tgisinternal
"""


def _set_truncate_guards(enabled: bool) -> None:
    from django.db import connection

    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        cursor.execute(_NO_TRUNCATE_TRIGGERS)
        for table, trigger in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" {verb} TRIGGER "{trigger}"')
    # Playwright and worker threads may leave this connection to another thread's
    # teardown; closing it lets pytest drop the test database at the end.
    connection.close()


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        or (marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _audit_rows_linked_at_statement_end(request):
    """A test that never commits would never see its audit rows linked (the chain links a
    row as its transaction commits, audit/chain.py): its transaction links them as each
    statement ends instead. Tests whose writes commit link them at commit, as production
    does (tests/audit/test_chain_at_commit.py)."""
    marker = request.node.get_closest_marker("django_db")
    if _commits(request.node) or not (marker or "db" in request.fixturenames):
        return
    request.getfixturevalue("db")
    from django.db import connection

    from audit.chain import LINK_NOW_SQL

    with connection.cursor() as cursor:
        cursor.execute(LINK_NOW_SQL)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Let the flush after a committing test empty append-only tables, then guard them again.

    Append-only tables (audit events, transitions) refuse TRUNCATE by design, and Django
    empties the database after a test whose writes committed with exactly that. Only the
    TRUNCATE triggers of the test database are lifted, only for that flush.
    """
    from pytest_django.plugin import blocking_manager_key

    commits = _commits(item)
    blocker = item.config.stash[blocking_manager_key]
    if commits:
        with blocker.unblock():
            _set_truncate_guards(False)
    yield
    if commits:
        with blocker.unblock():
            _set_truncate_guards(True)
