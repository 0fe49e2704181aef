"""The audit trail is hash-chained per tenant, whichever path writes the row (a
service's audit_record, a move's single statement, the sweep's batch INSERT), and
`manage.py audit_verify` names the first row a database owner altered, removed or inserted."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit.chain import GENESIS, chain_verify
from audit.models import AuditEvent
from audit.services import audit_applications, audit_record
from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from tenants.context import all_tenants_context, tenant_context
from tests.milestones.factories import make_tracked_application

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def _trail(tenant) -> list[AuditEvent]:
    with all_tenants_context():
        return list(AuditEvent.all_tenants.filter(tenant=tenant).order_by("seq"))


def _write_some(tenant) -> list[AuditEvent]:
    application = make_tracked_application(tenant=tenant)  # initialise: audit rows
    with tenant_context(tenant):
        audit_record(action="test.one", tenant_id=tenant.pk, data={"b": 1, "a": [1, 2]})
        application_transition(
            application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
        )
        audit_applications(
            action="test.batch",
            tenant_id=tenant.pk,
            at=timezone.now(),
            events=[(application.pk, {"n": 1}), (application.pk, {"n": 2})],
        )
    return _trail(tenant)


def _verify(*args) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out, stderr=out)
    return out.getvalue()


def _verify_fails(*args) -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def _as_owner(sql: str, params=(), *, triggers=("append_only",)) -> None:
    """Tamper as the database owner would: lift the table's guards for this statement only
    (ALTER TABLE is transactional; the test's rollback restores them)."""
    with all_tenants_context(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: ALTER may run
        for trigger in triggers:
            cursor.execute(f'ALTER TABLE "{TABLE}" DISABLE TRIGGER "{TABLE}_{trigger}"')
        cursor.execute(sql, params)
        for trigger in triggers:
            cursor.execute(f'ALTER TABLE "{TABLE}" ENABLE TRIGGER "{TABLE}_{trigger}"')


def test_every_write_path_links_its_rows_in_order(tenant_a, tenant_b):
    trail = _write_some(tenant_a)
    _write_some(tenant_b)
    assert [row.seq for row in trail] == list(range(1, len(trail) + 1))
    assert {"test.one", "test.batch", "milestone.transitioned"} <= {r.action for r in trail}
    assert trail[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(trail, trail[1:], strict=False))
    assert all(len(row.hash) == 64 for row in trail)
    with all_tenants_context():
        assert chain_verify() == (len(trail) * 2, [])
    assert "every chain holds" in _verify()


def test_an_altered_row_is_named(tenant_a):
    trail = _write_some(tenant_a)
    victim = trail[2]
    _as_owner(f'UPDATE "{TABLE}" SET data = \'{{"n": 99}}\' WHERE id = %s', [str(victim.pk)])
    message = _verify_fails()
    assert f"row {victim.pk} (seq {victim.seq}) altered" in message


def test_a_removed_row_is_named(tenant_a):
    trail = _write_some(tenant_a)
    victim = trail[1]
    _as_owner(f'DELETE FROM "{TABLE}" WHERE id = %s', [str(victim.pk)])
    message = _verify_fails("--tenant", tenant_a.slug)
    assert f"(seq {victim.seq + 1}) removed: rows {victim.seq}..{victim.seq} are missing" in message


def test_the_removed_last_row_is_noticed_from_the_chain_head(tenant_a):
    trail = _write_some(tenant_a)
    _as_owner(f'DELETE FROM "{TABLE}" WHERE id = %s', [str(trail[-1].pk)])
    assert f"seq {trail[-1].seq} removed" in _verify_fails()


def test_an_inserted_row_is_named(tenant_a):
    trail = _write_some(tenant_a)
    forged = uuid.uuid4()
    _as_owner(
        f'INSERT INTO "{TABLE}" (id, tenant_id, created_at, updated_at, at, action, '
        "object_type, object_id, data, seq, prev_hash, hash) "
        "VALUES (%s, %s, now(), now(), now(), 'forged', '', '', '{}', %s, %s, %s)",
        [str(forged), str(tenant_a.pk), trail[1].seq + 1000, trail[1].hash, "f" * 64],
        triggers=("chain",),
    )
    message = _verify_fails()
    assert "removed" in message or f"row {forged}" in message


def test_a_forged_link_between_rows_is_named_inserted(tenant_a):
    trail = _write_some(tenant_a)
    victim = trail[3]
    _as_owner(f'UPDATE "{TABLE}" SET prev_hash = %s WHERE id = %s', ["e" * 64, str(victim.pk)])
    assert f"row {victim.pk} (seq {victim.seq}) inserted" in _verify_fails()


def test_an_unknown_tenant_slug_is_refused(db):
    with pytest.raises(CommandError, match="no tenant"):
        call_command("audit_verify", "--tenant", "nope", stdout=StringIO())
