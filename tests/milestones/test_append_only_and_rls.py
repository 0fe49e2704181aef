"""The transition log is append-only in Postgres, and milestone tables are tenant-isolated."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from milestones.models import MilestoneTransition
from tenants.context import tenant_context

from .factories import make_tracked_application

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE milestones_milestonetransition SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM milestones_milestonetransition WHERE id = %s",
    ],
)
def test_transitions_cannot_be_updated_or_deleted(tenant_a, sql):
    application = make_tracked_application(tenant=tenant_a)
    with tenant_context(tenant_a):
        transition = MilestoneTransition.objects.get(application=application)
        with pytest.raises((ProgrammingError, IntegrityError)), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [str(transition.pk)])
        assert MilestoneTransition.objects.filter(pk=transition.pk, reason="").exists()


def test_another_tenant_sees_no_milestone_rows(tenant_a, tenant_b):
    make_tracked_application(tenant=tenant_a)
    with tenant_context(tenant_b):
        with connection.cursor() as cursor:
            for table in (
                "milestones_applicationmilestone",
                "milestones_milestonetransition",
                "milestones_milestonedefinition",
                "milestones_historicalmilestonedefinition",
                "milestones_frameworkversion",
            ):
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
                assert cursor.fetchone() == (0,), table


def test_transition_truncate_trigger_is_in_force(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = "
            "'milestones_milestonetransition_no_truncate'"
        )
        assert cursor.fetchone() == ("O",)
