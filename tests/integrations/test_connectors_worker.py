"""Connectors under real processes: Celery worker and beat on Redis deliver the HRIS body
to a fake HRIS, and the worker orders a background check from a fake Checkr, both real
HTTP servers on loopback.

Select with `-m celery_worker`. Without Redis the test skips, except under CI=true.
"""

from __future__ import annotations

import pytest
from django.db import connection

from integrations.models import BackgroundCheck, ConnectionKind
from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from tenants.context import all_tenants_context, tenant_context
from tests.support import CeleryProcesses, FakeVendor, redis_or_skip

from ..milestones.factories import make_tracked_application, make_version
from .factories import make_connection

pytestmark = pytest.mark.celery_worker


def _check_status(tenant) -> str | None:
    with all_tenants_context():
        check = BackgroundCheck.all_tenants.filter(tenant=tenant).first()
    return check.status if check else None


def test_a_worker_delivers_the_hris_body_and_orders_the_background_check(
    transactional_db, tenant_a, tmp_path
):
    redis_or_skip()
    hris = FakeVendor()
    checkr = FakeVendor(
        routes={"/v1/candidates": b'{"id": "cand_1"}', "/v1/invitations": b'{"id": "inv_1"}'}
    )
    make_connection(tenant=tenant_a, url=hris.url, kind=ConnectionKind.HRIS)
    make_connection(
        tenant=tenant_a,
        url=checkr.url.removesuffix("/hooks"),
        kind=ConnectionKind.BACKGROUND_CHECK,
    )
    version = make_version(
        tenant=tenant_a,
        codes=("APPLIED", "BACKGROUND_CHECK", "OFFER_ACCEPTED"),
        milestones={"OFFER_ACCEPTED": {"hris_status": "OFFER_ACCEPTED"}},
    )
    application = make_tracked_application(tenant=tenant_a, version=version)
    with tenant_context(tenant_a):
        for _ in range(2):
            application_transition(
                application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
            )
    celery = CeleryProcesses(tmp_path=tmp_path)
    try:
        celery.beat()
        celery.worker("connectors")
        celery.wait(lambda: len(hris.received) >= 1, "the HRIS heard nothing")
        celery.wait(lambda: _check_status(tenant_a) == "pending", "the check was not ordered")
    finally:
        celery.stop()
        hris.stop()
        checkr.stop()
        connection.close()
    (body,) = hris.bodies()
    assert body["type"] == "hris.status_changed"
    assert body["data"]["hris_status"] == "pre_hire"
    assert [r["path"] for r in checkr.received] == ["/v1/candidates", "/v1/invitations"]
