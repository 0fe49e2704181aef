"""Adding the request columns (audit 0004) keeps every chain verifying: rows linked by the
old trigger keep their hashes, and rows after it link on from them with the new one."""

from __future__ import annotations

import uuid

import pytest

from audit.chain import chain_verify
from audit.models import AuditEvent
from audit.services import audit_record
from tenants.context import all_tenants_context, tenant_context
from tenants.request_context import RequestContext, request_context_entered
from tests import factories
from tests.support import latest_migrations, migrate_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0003_chain_pruning")]


def test_rows_chained_before_the_request_columns_still_verify_after_them():
    tenant = factories.make_tenant()
    old = migrate_to(BEFORE)
    OldAudit = old.get_model("audit", "AuditEvent")
    with all_tenants_context():
        for n in range(3):
            OldAudit.objects.create(
                id=uuid.uuid4(), tenant_id=tenant.pk, action="object.created", object_id=str(n)
            )
    migrate_to(latest_migrations("audit"))

    with all_tenants_context():
        assert chain_verify(tenant_id=tenant.pk) == (3, [])
        old_rows = list(AuditEvent.all_tenants.filter(tenant=tenant).order_by("seq"))
    assert {(row.request_id, row.user_agent) for row in old_rows} == {("", "")}

    context = RequestContext(request_id="after-0004", user_agent="curl/8")
    with request_context_entered(context), tenant_context(tenant):
        row = audit_record(action="object.updated", tenant_id=tenant.pk)
    with all_tenants_context():
        assert chain_verify(tenant_id=tenant.pk) == (4, [])
        stored = AuditEvent.all_tenants.get(pk=row.pk)
    assert (stored.seq, stored.prev_hash, stored.request_id) == (4, old_rows[-1].hash, "after-0004")
