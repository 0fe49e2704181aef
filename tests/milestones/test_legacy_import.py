"""Importing a legacy system's stage history: mappings, all-or-nothing import, API, command."""

from __future__ import annotations

import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from milestones.models import (
    ApplicationMilestone,
    LegacyStageMapping,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
)
from milestones.services.legacy import (
    ImportConflict,
    LegacyImportInvalid,
    legacy_history_import,
)
from recruiting.models import Application
from tenants.context import all_tenants_context, tenant_context
from tenants.models import ApiScope
from tests import factories

from .legacy_support import (
    SOURCE,
    STAGES,
    make_applications,
    make_mappings,
    row_counts,
    two_row_history,
)

pytestmark = pytest.mark.django_db


def test_an_import_writes_transitions_with_cause_import_and_milestone_states(tenant_a):
    make_mappings(tenant_a)
    (application,) = make_applications(tenant_a, 1)
    with tenant_context(tenant_a):
        result = legacy_history_import(source_system=SOURCE, rows=two_row_history("EXT-0"))
        transitions = list(MilestoneTransition.objects.order_by("at"))
        rows = {
            r.milestone.code: r
            for r in ApplicationMilestone.objects.select_related("milestone").filter(
                application=application
            )
        }
        application.refresh_from_db()
    assert result.rows == 2 and result.transitions == 2 and result.applications == 1
    assert [t.cause for t in transitions] == [TransitionCause.IMPORT] * 2
    assert [t.to_milestone_id for t in transitions] == [
        rows["APPLIED"].milestone_id,
        rows["SCREEN"].milestone_id,
    ]
    assert transitions[1].from_milestone_id == rows["APPLIED"].milestone_id
    assert rows["APPLIED"].state == MilestoneState.COMPLETED
    assert rows["APPLIED"].completed_at.isoformat() == "2024-01-05T10:00:00+00:00"
    assert rows["SCREEN"].state == MilestoneState.ACTIVE
    assert rows["INTERVIEW"].state == MilestoneState.PENDING
    assert application.current_milestone_id == rows["SCREEN"].milestone_id
    assert application.version == 2


def test_an_unmapped_stage_and_an_unknown_application_are_reported_by_line_and_nothing_is_written(
    tenant_a,
):
    make_mappings(tenant_a)
    make_applications(tenant_a, 2)
    rows = [
        *two_row_history("EXT-0"),
        {"application_external_id": "EXT-1", "legacy_stage": "Lunch", "entered_at": "2024-01-01"},
        {"application_external_id": "NOPE", "legacy_stage": "New", "entered_at": "2024-01-01"},
        {
            "application_external_id": "EXT-1",
            "legacy_stage": "New",
            "entered_at": "yesterday",
            "left_at": "2023-01-01T00:00:00Z",
        },
    ]
    before = row_counts()
    with tenant_context(tenant_a), pytest.raises(LegacyImportInvalid) as refused:
        legacy_history_import(source_system=SOURCE, rows=rows)
    errors = refused.value.fields["rows"]
    assert {(e["line"], e["field"], e["code"]) for e in errors} == {
        (3, "legacy_stage", "unmapped_stage"),
        (4, "application_external_id", "unknown_application"),
        (5, "entered_at", "invalid_timestamp"),
    }
    assert row_counts() == before


def test_left_at_before_entered_at_is_refused(tenant_a):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    row = {
        "application_external_id": "EXT-0",
        "legacy_stage": "New",
        "entered_at": "2024-02-01T00:00:00Z",
        "left_at": "2024-01-01T00:00:00Z",
    }
    with tenant_context(tenant_a), pytest.raises(LegacyImportInvalid) as refused:
        legacy_history_import(source_system=SOURCE, rows=[row])
    assert refused.value.fields["rows"][0]["code"] == "left_before_entered"


def test_another_tenants_application_external_id_counts_as_unknown(tenant_a, tenant_b):
    make_mappings(tenant_a)
    make_mappings(tenant_b)
    make_applications(tenant_b, 1, prefix="THEIRS")
    before = row_counts()
    with tenant_context(tenant_a), pytest.raises(LegacyImportInvalid) as refused:
        legacy_history_import(source_system=SOURCE, rows=two_row_history("THEIRS-0"))
    assert {e["code"] for e in refused.value.fields["rows"]} == {"unknown_application"}
    assert row_counts() == before


def test_dry_run_validates_without_writing(tenant_a):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    before = row_counts()
    with tenant_context(tenant_a):
        result = legacy_history_import(
            source_system=SOURCE, rows=two_row_history("EXT-0"), dry_run=True
        )
    assert result.dry_run and result.rows == 2
    assert row_counts() == before


def _queries_for(tenant, count, prefix):
    make_applications(tenant, count // 2, prefix=prefix)
    rows = [r for n in range(count // 2) for r in two_row_history(f"{prefix}-{n}")]
    with tenant_context(tenant), CaptureQueriesContext(connection) as queries:
        legacy_history_import(source_system=SOURCE, rows=rows)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(tenant_a):
    make_mappings(tenant_a)
    assert _queries_for(tenant_a, 10, "TEN") == _queries_for(tenant_a, 100, "HUNDRED")


# -- API -----------------------------------------------------------------------------------


def test_import_over_the_api_as_json(api_a, tenant_a):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    response = api_a.post(
        "/api/v1/legacy_imports",
        {"source_system": SOURCE, "rows": two_row_history("EXT-0")},
        format="json",
        HTTP_IDEMPOTENCY_KEY="import-1",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["transitions"] == 2
    replay = api_a.post(
        "/api/v1/legacy_imports",
        {"source_system": SOURCE, "rows": two_row_history("EXT-0")},
        format="json",
        HTTP_IDEMPOTENCY_KEY="import-1",
    )
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    with all_tenants_context():
        assert MilestoneTransition.all_tenants.filter(cause=TransitionCause.IMPORT).count() == 2


def test_import_over_the_api_as_csv_reports_file_lines(api_a, tenant_a):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    body = (
        "application_external_id,legacy_stage,entered_at,left_at\n"
        "EXT-0,New,2024-01-02T09:00:00Z,2024-01-05T10:00:00Z\n"
        "EXT-0,Lunch,2024-01-05T10:00:00Z,\n"
    )
    before = row_counts()
    response = api_a.post(
        f"/api/v1/legacy_imports?source_system={SOURCE}", body, content_type="text/csv"
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "IMPORT_INVALID"
    assert error["fields"]["rows"] == [
        {
            "line": 3,
            "field": "legacy_stage",
            "code": "unmapped_stage",
            "message": "stage 'Lunch' of 'oldats' has no mapping",
        }
    ]
    assert row_counts() == before

    response = api_a.post(
        f"/api/v1/legacy_imports?source_system={SOURCE}",
        body.replace("Lunch", "Phone"),
        content_type="text/csv",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["rows"] == 2


def test_a_csv_import_needs_its_source_system(api_a, tenant_a):
    response = api_a.post("/api/v1/legacy_imports", "a,b\n", content_type="text/csv")
    assert response.status_code == 400
    assert "source_system" in response.json()["error"]["fields"]


def test_mapping_crud(api_a, tenant_a):
    response = api_a.post(
        "/api/v1/legacy_mappings",
        {"source_system": SOURCE, "legacy_stage": "New", "milestone_code": "APPLIED"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    mapping_id = response.json()["id"]
    duplicate = api_a.post(
        "/api/v1/legacy_mappings",
        {"source_system": SOURCE, "legacy_stage": "New", "milestone_code": "SCREEN"},
        format="json",
    )
    assert duplicate.status_code == 409
    assert "legacy_stage" in duplicate.json()["error"]["fields"]
    patched = api_a.patch(
        f"/api/v1/legacy_mappings/{mapping_id}", {"milestone_code": "SCREEN"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["milestone_code"] == "SCREEN"
    listed = api_a.get(f"/api/v1/legacy_mappings?source_system={SOURCE}").json()["results"]
    assert [m["id"] for m in listed] == [mapping_id]
    assert api_a.delete(f"/api/v1/legacy_mappings/{mapping_id}").status_code == 204


def test_a_mapping_needs_every_field(api_a, tenant_a):
    response = api_a.post("/api/v1/legacy_mappings", {"source_system": SOURCE}, format="json")
    assert response.status_code == 400
    assert {"legacy_stage", "milestone_code"} <= set(response.json()["error"]["fields"])


def test_another_tenants_mapping_is_not_found(api_a, api_b, tenant_a, tenant_b):
    make_mappings(tenant_b)
    with all_tenants_context():
        theirs = LegacyStageMapping.all_tenants.filter(tenant=tenant_b).first()
    assert api_a.get(f"/api/v1/legacy_mappings/{theirs.pk}").status_code == 404
    assert (
        api_a.patch(
            f"/api/v1/legacy_mappings/{theirs.pk}", {"milestone_code": "X"}, format="json"
        ).status_code
        == 404
    )
    assert api_a.delete(f"/api/v1/legacy_mappings/{theirs.pk}").status_code == 404
    assert api_a.get("/api/v1/legacy_mappings").json()["results"] == []
    with all_tenants_context():
        theirs.refresh_from_db()
    assert theirs.milestone_code == STAGES[theirs.legacy_stage]


def test_import_needs_the_applications_write_scope(tenant_a):
    _, token = factories.make_api_client(tenant=tenant_a, scopes=[ApiScope.APPLICATIONS_READ])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(
        "/api/v1/legacy_imports", {"source_system": SOURCE, "rows": []}, format="json"
    )
    assert response.status_code == 403


# -- management command --------------------------------------------------------------------


def test_the_command_imports_json_and_prints_line_errors_of_csv(tenant_a, tmp_path, capsys):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    good = tmp_path / "history.json"
    good.write_text(json.dumps(two_row_history("EXT-0")))
    call_command("import_legacy_history", "--tenant", "acme", "--source", SOURCE, str(good))
    assert "imported 2 rows" in capsys.readouterr().out

    bad = tmp_path / "history.csv"
    bad.write_text(
        "application_external_id,legacy_stage,entered_at,left_at\nNOPE,New,2024-01-01,\n"
    )
    before = row_counts()
    with pytest.raises(CommandError):
        call_command("import_legacy_history", "--tenant", "acme", "--source", SOURCE, str(bad))
    assert "line 2: application_external_id: unknown_application" in capsys.readouterr().err
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)
def test_an_import_does_not_queue_behind_a_write_holding_its_application(
    flushable_append_only_tables, tenant_a
):
    make_mappings(tenant_a)
    (application,) = make_applications(tenant_a, 1)
    locked, release = threading.Event(), threading.Event()

    def hold_the_application() -> None:
        try:
            with tenant_context(tenant_a), transaction.atomic():
                Application.objects.select_for_update().get(pk=application.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_application)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        before = row_counts()
        with tenant_context(tenant_a), pytest.raises(ImportConflict) as refused:
            legacy_history_import(source_system=SOURCE, rows=two_row_history("EXT-0"))
        assert refused.value.status == 409
        assert row_counts() == before
    finally:
        release.set()
        holder.join(timeout=30)
