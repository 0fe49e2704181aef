"""Moving AuditEvent, Notification and IdempotencyKey into the low shared apps keeps every
row: a database built at the previous migration heads, with rows in it, migrates forward
with all of them still there (and back, which is the same state-only step)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.utils import timezone

from ats_milestones.idempotency.models import IdempotencyKey
from audit.models import AuditEvent
from notifications.models import Notification
from tenants.context import all_tenants_context
from tests import factories
from tests.support import latest_migrations, migrate_to

pytestmark = pytest.mark.django_db(transaction=True)

# The heads before the models moved, and the new apps not yet there.
BEFORE = [
    ("compliance", "0004_actor_indexes_only_where_an_actor"),
    ("reporting", "0003_notification_digest"),
    ("integrations", "0002_row_level_security"),
    ("audit", None),
    ("notifications", None),
    ("idempotency", None),
]


def test_rows_written_before_the_move_are_all_there_after_it():
    tenant = factories.make_tenant()
    user = factories.make_user()
    application = factories.make_application(tenant=tenant)
    old = migrate_to(BEFORE)
    OldAudit = old.get_model("compliance", "AuditEvent")
    OldNotification = old.get_model("reporting", "Notification")
    OldKey = old.get_model("integrations", "IdempotencyKey")
    now = timezone.now()
    with all_tenants_context():
        audit_ids = [
            OldAudit.objects.create(
                id=uuid.uuid4(), tenant_id=tenant.pk, action="object.created", object_id=str(n)
            ).pk
            for n in range(3)
        ]
        notification = OldNotification.objects.create(
            id=uuid.uuid4(),
            tenant_id=tenant.pk,
            recipient_id=user.pk,
            kind="milestone.escalated",
            title="Ada is overdue",
            application_id=application.pk,
            read_at=now,
        )
        key = OldKey.objects.create(
            id=uuid.uuid4(),
            tenant_id=tenant.pk,
            principal="client:x",
            key="retry-1",
            method="POST",
            path="/api/v1/candidates",
            request_hash="0" * 64,
            response_status=201,
            response_body={"id": "x"},
        )

    migrate_to(latest_migrations())

    with all_tenants_context():
        assert sorted(
            AuditEvent.all_tenants.filter(pk__in=audit_ids).values_list("object_id", flat=True)
        ) == [
            "0",
            "1",
            "2",
        ]
        moved = Notification.all_tenants.get(pk=notification.pk)
        assert (moved.title, moved.application_id, moved.read_at) == (
            "Ada is overdue",
            application.pk,
            now,
        )
        assert IdempotencyKey.all_tenants.get(pk=key.pk).response_body == {"id": "x"}
    # The append-only guard moved with its table.
    with (
        all_tenants_context(),
        pytest.raises(Exception, match="append-only"),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET action = 'x' WHERE id = %s", [audit_ids[0]]
        )
