"""A version's past sandbox runs through the API: newest first, cursor pages, summaries
of their steps, the read scope, and only that version's runs of your own tenant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditAction
from milestones.models import SandboxRun, VersionStatus
from tenants.context import all_tenants_context
from tenants.models import ApiScope
from tests import factories
from tests.support import assert_error, audit_events

from .factories import make_sandbox_run, make_version

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) - timedelta(days=1)


def _step(kind: str) -> dict:
    return {"kind": kind, "application": "ann", "rule": {"id": None, "name": "r"}}


def _run(tenant, version, *, minutes: int, kinds=(), **kw) -> SandboxRun:
    """A run made `minutes` after T0 (set after the insert: `created_at` is automatic)."""
    run = make_sandbox_run(
        tenant=tenant, version=version, result={"steps": [_step(k) for k in kinds]}, **kw
    )
    with all_tenants_context():
        SandboxRun.all_tenants.filter(pk=run.pk).update(created_at=T0 + timedelta(minutes=minutes))
    return run


def _url(version) -> str:
    return f"/api/v1/framework_versions/{version.pk}/sandbox_runs"


def test_the_runs_are_listed_newest_first_with_their_steps_counted(api_a, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    ran_by = factories.make_user(username="ada")
    older = _run(tenant_a, version, minutes=1, kinds=["skip"])
    newer = _run(
        tenant_a,
        version,
        minutes=2,
        kinds=["auto_advance", "failure", "auto_advance"],
        created_by=ran_by,
    )
    empty = _run(tenant_a, version, minutes=0)

    response = api_a.get(_url(version))

    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["id"] for r in results] == [str(newer.pk), str(older.pk), str(empty.pk)]
    assert results[0] == {
        "id": str(newer.pk),
        "version_id": str(version.pk),
        "created_by_id": ran_by.pk,
        "created_at": results[0]["created_at"],
        "step_count": 3,
        "steps_by_kind": {"auto_advance": 2, "failure": 1},
    }
    assert (results[2]["step_count"], results[2]["steps_by_kind"]) == (0, {})
    assert "steps" not in results[0] and "scenario" not in results[0]


def test_the_list_pages_by_cursor_through_every_run_once(api_a, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    runs = [_run(tenant_a, version, minutes=m) for m in range(5)]

    seen, url = [], f"{_url(version)}?page_size=2"
    while url:
        body = api_a.get(url).json()
        assert len(body["results"]) <= 2
        seen += [r["id"] for r in body["results"]]
        url = body["next"]

    assert seen == [str(run.pk) for run in reversed(runs)]


def test_a_run_of_another_version_is_not_listed(api_a, tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    other = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    mine = _run(tenant_a, version, minutes=0)
    _run(tenant_a, other, minutes=1)

    results = api_a.get(_url(version)).json()["results"]

    assert [r["id"] for r in results] == [str(mine.pk)]


def test_the_list_needs_config_read_and_no_more(tenant_a):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    _run(tenant_a, version, minutes=0)
    reader, outsider = APIClient(), APIClient()
    _, read_token = factories.make_api_client(tenant=tenant_a, scopes=[ApiScope.CONFIG_READ])
    _, other_token = factories.make_api_client(tenant=tenant_a, scopes=[ApiScope.CANDIDATES_READ])
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {read_token}")
    outsider.credentials(HTTP_AUTHORIZATION=f"Bearer {other_token}")

    assert reader.get(_url(version)).status_code == 200
    assert_error(outsider.get(_url(version)), 403, "PERMISSION_DENIED")
    # Running one still needs config:write, as before.
    assert_error(reader.post(_url(version), {}, format="json"), 403, "PERMISSION_DENIED")


def test_another_tenants_version_is_not_found_and_audited(api_a, tenant_a, tenant_b):
    theirs = make_version(tenant=tenant_b, status=VersionStatus.DRAFT)
    _run(tenant_b, theirs, minutes=0)

    assert_error(api_a.get(_url(theirs)), 404, "NOT_FOUND")
    denied = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(theirs.pk))
    assert [(e.tenant_id, e.data["method"]) for e in denied] == [(tenant_a.pk, "GET")]
