"""A real Celery worker and beat against Redis and the test Postgres database: beat
schedules the sweep, the worker runs it, an overdue milestone escalates and notifies.

Select with `-m celery_worker`. Without Redis the test skips, except under CI=true.
"""

from __future__ import annotations

import pytest
from django.db import connection

from milestones.models import ApplicationMilestone
from notifications.models import Notification
from tenants.context import all_tenants_context
from tests.support import CeleryProcesses, redis_or_skip

from .timer_support import overdue_application

pytestmark = pytest.mark.celery_worker


def test_beat_and_a_worker_escalate_an_overdue_milestone(
    flushable_append_only_tables, tenant_a, tmp_path
):
    redis_or_skip()
    application = overdue_application(tenant=tenant_a, hours_ago=50)
    celery = CeleryProcesses(tmp_path=tmp_path, MILESTONE_SWEEP_INTERVAL_S="1")

    def escalated() -> bool:
        celery.assert_running()
        with all_tenants_context():
            level = ApplicationMilestone.all_tenants.get(
                application=application, state="active"
            ).escalation_level
            notified = Notification.all_tenants.filter(
                application=application, kind="milestone.escalated"
            ).exists()
        return level == 1 and notified

    try:
        celery.worker("sweep", queues="celery")  # the default queue: timers and mail
        celery.beat()
        celery.wait(escalated, "no escalation")
    finally:
        celery.stop()
        connection.close()
    assert all(process.returncode is not None for process in celery.processes)
    with all_tenants_context():
        assert (
            Notification.all_tenants.filter(
                application=application, kind="milestone.escalated"
            ).count()
            == 1
        )
