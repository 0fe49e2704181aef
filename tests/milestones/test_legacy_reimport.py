"""Importing a legacy history again: a row already imported (by its natural key: the
application's external id, the legacy stage and entered_at, in one source system) is
reported, not written twice."""

from __future__ import annotations

import importlib
import json

import pytest
from django.core.management import call_command
from django.db import connection

from milestones.models import (
    ApplicationMilestone,
    LegacyImportedRow,
    MilestoneDefinition,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
)
from milestones.services.legacy import legacy_history_import
from recruiting.models import Application
from tenants.context import all_tenants_context, tenant_context

from .legacy_support import (
    SOURCE,
    make_applications,
    make_mappings,
    row_counts,
    two_row_history,
)

pytestmark = pytest.mark.django_db

ONSITE = {
    "application_external_id": "EXT-0",
    "legacy_stage": "Onsite",
    "entered_at": "2024-01-10T08:00:00Z",
    "left_at": "",
}


def _import(tenant, rows, **kw):
    with tenant_context(tenant):
        return legacy_history_import(source_system=SOURCE, rows=rows, **kw)


def _keys(result) -> list[tuple]:
    return [
        (r["line"], r["application_external_id"], r["legacy_stage"], r["entered_at"].isoformat())
        for r in result.already_imported
    ]


def test_the_same_history_imported_again_writes_nothing_and_lists_every_row(tenant_a):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    _import(tenant_a, two_row_history("EXT-0"))
    before = row_counts()

    again = _import(tenant_a, two_row_history("EXT-0"))

    assert row_counts() == before  # no transition, no milestone row, no version bump
    assert (again.rows, again.transitions, again.rows_already_imported) == (2, 0, 2)
    assert (again.applications, again.milestone_rows_created, again.milestone_rows_updated) == (
        0,
        0,
        0,
    )
    assert _keys(again) == [
        (1, "EXT-0", "New", "2024-01-02T09:00:00+00:00"),
        (2, "EXT-0", "Phone", "2024-01-05T10:00:00+00:00"),
    ]


def test_a_later_export_adds_only_its_new_rows_after_the_ones_already_there(tenant_a):
    make_mappings(tenant_a)
    (application,) = make_applications(tenant_a, 1)
    _import(tenant_a, two_row_history("EXT-0"))  # New, then Phone (still open)
    later = two_row_history("EXT-0")
    later[1]["left_at"] = ONSITE["entered_at"]

    result = _import(tenant_a, [*later, ONSITE])

    assert (result.rows, result.transitions, result.rows_already_imported) == (3, 1, 2)
    with all_tenants_context():
        moves = list(
            MilestoneTransition.all_tenants.filter(
                application=application, cause=TransitionCause.IMPORT
            ).order_by("at")
        )
        codes = dict(MilestoneDefinition.all_tenants.values_list("pk", "code"))
        states = {
            codes[r.milestone_id]: r.state
            for r in ApplicationMilestone.all_tenants.filter(application=application)
        }
        current = Application.all_tenants.get(pk=application.pk).current_milestone_id
    assert [(codes.get(m.from_milestone_id), codes[m.to_milestone_id]) for m in moves] == [
        (None, "APPLIED"),
        ("APPLIED", "SCREEN"),
        ("SCREEN", "INTERVIEW"),  # from the stage already there, not from nowhere
    ]
    assert states["SCREEN"] == MilestoneState.COMPLETED
    assert states["INTERVIEW"] == MilestoneState.ACTIVE
    assert codes[current] == "INTERVIEW"


def test_the_same_row_twice_in_one_file_is_written_once(tenant_a):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    first = two_row_history("EXT-0")[0]

    result = _import(tenant_a, [first, dict(first)])

    assert (result.transitions, result.rows_already_imported) == (1, 1)
    assert _keys(result) == [(2, "EXT-0", "New", "2024-01-02T09:00:00+00:00")]
    assert row_counts()[0] == 1


def test_a_dry_run_reports_the_rows_already_there(tenant_a):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    _import(tenant_a, two_row_history("EXT-0")[:1])
    before = row_counts()

    result = _import(tenant_a, two_row_history("EXT-0"), dry_run=True)

    assert row_counts() == before
    assert (result.transitions, result.rows_already_imported) == (1, 1)
    assert _keys(result) == [(1, "EXT-0", "New", "2024-01-02T09:00:00+00:00")]


def test_the_same_stage_and_instant_from_another_source_system_is_another_row(tenant_a):
    make_mappings(tenant_a)
    make_mappings(tenant_a, source="otherats")
    make_applications(tenant_a, 1)
    _import(tenant_a, two_row_history("EXT-0")[:1])
    with tenant_context(tenant_a):
        other = legacy_history_import(source_system="otherats", rows=two_row_history("EXT-0")[:1])
    assert (other.transitions, other.rows_already_imported) == (1, 0)


def test_another_tenants_import_of_the_same_key_is_not_already_there(tenant_a, tenant_b):
    for tenant in (tenant_a, tenant_b):
        make_mappings(tenant)
        make_applications(tenant, 1)
    _import(tenant_a, two_row_history("EXT-0"))
    result = _import(tenant_b, two_row_history("EXT-0"))
    assert (result.transitions, result.rows_already_imported) == (2, 0)


def test_rows_imported_before_the_natural_key_was_kept_are_found_by_the_backfill(tenant_a):
    """The migration that added the record of imported rows fills it from the transitions
    of earlier imports, so a file imported before the upgrade is not written twice."""
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    _import(tenant_a, two_row_history("EXT-0"))
    with all_tenants_context():
        LegacyImportedRow.all_tenants.all().delete()  # as before the migration
    migration = importlib.import_module("milestones.migrations.0009_legacy_imported_rows")

    with all_tenants_context():
        migration.backfill_imported_rows(None, _SchemaEditor())
    before = row_counts()
    again = _import(tenant_a, two_row_history("EXT-0"))

    assert row_counts() == before
    assert again.rows_already_imported == 2


class _SchemaEditor:
    connection = connection


# -- API -----------------------------------------------------------------------------------


def test_posting_the_same_import_again_answers_the_rows_already_there(api_a, tenant_a):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    body = {"source_system": SOURCE, "rows": two_row_history("EXT-0")}
    assert api_a.post("/api/v1/legacy_imports", body, format="json").status_code == 201
    before = row_counts()

    response = api_a.post("/api/v1/legacy_imports", body, format="json")

    assert response.status_code == 201, response.json()
    result = response.json()
    assert (result["transitions"], result["rows_already_imported"]) == (0, 2)
    assert result["already_imported"][0] == {
        "line": 1,
        "application_external_id": "EXT-0",
        "legacy_stage": "New",
        "entered_at": "2024-01-02T09:00:00.000000Z",
    }
    assert row_counts() == before


def test_a_csv_import_again_names_the_file_lines_already_there(api_a, tenant_a):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    body = (
        "application_external_id,legacy_stage,entered_at,left_at\n"
        "EXT-0,New,2024-01-02T09:00:00Z,2024-01-05T10:00:00Z\n"
        "\n"
        "EXT-0,Phone,2024-01-05T10:00:00Z,\n"
    )
    url = f"/api/v1/legacy_imports?source_system={SOURCE}"
    assert api_a.post(url, body, content_type="text/csv").status_code == 201
    response = api_a.post(url, body, content_type="text/csv")
    assert response.status_code == 201, response.json()
    assert [r["line"] for r in response.json()["already_imported"]] == [2, 4]


def test_the_command_says_which_lines_were_already_imported(tenant_a, tmp_path, capsys):
    make_mappings(tenant_a)
    make_applications(tenant_a, 1)
    history = tmp_path / "history.json"
    history.write_text(json.dumps(two_row_history("EXT-0")))
    call_command("import_legacy_history", "--tenant", "acme", "--source", SOURCE, str(history))
    capsys.readouterr()

    call_command("import_legacy_history", "--tenant", "acme", "--source", SOURCE, str(history))

    out = capsys.readouterr().out
    assert "imported 0 rows" in out
    assert "2 rows were already imported (lines 1, 2)" in out
