"""Twenty identical advances at once: exactly one wins, nineteen answer 409."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from milestones.errors import StaleVersion
from milestones.models import ApplicationMilestone, MilestoneTransition
from milestones.services.transitions.moves import application_transition
from tenants.context import all_tenants_context, tenant_context

from .factories import make_tracked_application

WORKERS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_advances_make_one_transition_and_nineteen_conflicts(
    flushable_append_only_tables, tenant_a
):
    application = make_tracked_application(tenant=tenant_a)
    seen_version = application.version
    start = threading.Barrier(WORKERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def advance() -> None:
        try:
            with tenant_context(tenant_a):
                start.wait()
                try:
                    application_transition(
                        application_id=application.pk,
                        action="advance",
                        expected_version=seen_version,
                    )
                    outcome = "ok"
                except StaleVersion as exc:
                    outcome = f"conflict {exc.status}"
        except Exception as exc:  # noqa: BLE001 - record it; the assertion shows it
            outcome = repr(exc)
        finally:
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=advance) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["conflict 409"] * (WORKERS - 1) + ["ok"]
    with all_tenants_context():
        assert (
            MilestoneTransition.all_tenants.filter(
                application_id=application.pk, kind="advance"
            ).count()
            == 1
        )
        states = dict(
            ApplicationMilestone.all_tenants.filter(application_id=application.pk).values_list(
                "milestone__code", "state"
            )
        )
    assert (states["APPLIED"], states["SCREEN"], states["INTERVIEW"]) == (
        "completed",
        "active",
        "pending",
    )
