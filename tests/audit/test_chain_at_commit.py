"""The chain links a tenant's audit rows as their transactions commit, in commit order, so
one writer of a tenant no longer waits for another from its first audit row to its commit
(audit/chain.py). These tests commit, as production does: no test-only linking here."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from audit.chain import chain_heads, chain_verify
from audit.models import AuditEvent
from audit.services import audit_record
from tenants.context import all_tenants_context, tenant_context

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = AuditEvent._meta.db_table


def _row(action: str) -> AuditEvent:
    with all_tenants_context():
        return AuditEvent.all_tenants.get(action=action)


def _chain_holds(tenant) -> None:
    with all_tenants_context():
        checked, breaks = chain_verify(tenant_id=tenant.pk)
    assert breaks == [] and checked >= 1


def test_a_second_writer_commits_while_the_first_is_still_open(tenant_a):
    """Before, the first transaction's audit row locked the tenant's chain head until its
    commit: the second writer's insert waited (here: failed on the lock timeout)."""
    written, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with tenant_context(tenant_a), transaction.atomic():
                audit_record(action="test.first", tenant_id=tenant_a.pk)
                written.set()
                release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            written.set()
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert written.wait(10)
        with tenant_context(tenant_a), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            audit_record(action="test.second", tenant_id=tenant_a.pk)
    finally:
        release.set()
        thread.join(10)
    assert errors == []
    # Linked in the order they committed: the second first.
    assert _row("test.second").seq + 1 == _row("test.first").seq
    assert _row("test.first").prev_hash == _row("test.second").hash
    _chain_holds(tenant_a)


def test_many_writers_of_one_tenant_make_one_unbroken_chain(tenant_a):
    def write(n: int) -> None:
        try:
            for i in range(5):
                with tenant_context(tenant_a), transaction.atomic():
                    audit_record(action="test.many", tenant_id=tenant_a.pk, data={"n": n, "i": i})
                    audit_record(action="test.many", tenant_id=tenant_a.pk, data={"n": n})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with all_tenants_context():
        seqs = sorted(
            AuditEvent.all_tenants.filter(action="test.many").values_list("seq", flat=True)
        )
        head = chain_heads(tenant_a.pk)[str(tenant_a.pk)]
    assert len(seqs) == 40 and None not in seqs and len(set(seqs)) == 40
    assert head.seq == max(seqs)
    _chain_holds(tenant_a)


def test_a_rolled_back_transaction_leaves_no_link(tenant_a):
    with tenant_context(tenant_a):
        audit_record(action="test.kept", tenant_id=tenant_a.pk)
    with all_tenants_context():
        before = chain_heads(tenant_a.pk)[str(tenant_a.pk)]
    with pytest.raises(RuntimeError), tenant_context(tenant_a), transaction.atomic():
        audit_record(action="test.rolled_back", tenant_id=tenant_a.pk)
        raise RuntimeError
    with all_tenants_context():
        assert chain_heads(tenant_a.pk)[str(tenant_a.pk)] == before
        assert not AuditEvent.all_tenants.filter(action="test.rolled_back").exists()
    _chain_holds(tenant_a)


def test_a_row_is_linked_when_its_tenant_left_the_context_before_the_commit(tenant_a):
    with transaction.atomic():
        with tenant_context(tenant_a):
            audit_record(action="test.left", tenant_id=tenant_a.pk)
        # the tenant context is reset here; the commit below links the row
    assert _row("test.left").hash is not None
    _chain_holds(tenant_a)


def test_only_the_commit_may_write_a_link_into_a_row(tenant_a):
    """The append-only rule lets the link in from the chain's trigger, nothing else: not
    an UPDATE of a row in its own transaction, not of a committed row."""
    with tenant_context(tenant_a):
        audit_record(action="test.sealed", tenant_id=tenant_a.pk)
    for sql in (
        f"UPDATE {TABLE} SET hash = NULL WHERE action = 'test.sealed'",  # noqa: S608
        f"UPDATE {TABLE} SET data = '{{}}' WHERE action = 'test.sealed'",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE action = 'test.sealed'",  # noqa: S608
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with all_tenants_context(), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    with pytest.raises(DatabaseError, match="append-only"):
        with tenant_context(tenant_a), transaction.atomic():
            audit_record(action="test.unlinked", tenant_id=tenant_a.pk)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {TABLE} SET seq = 1, hash = repeat('0', 64) "  # noqa: S608
                    "WHERE action = 'test.unlinked'"
                )
    _chain_holds(tenant_a)
