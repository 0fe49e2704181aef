"""Exports to files: the command (with its progress bar) and the scheduled exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from reporting.exports.datasets import STAYS, TRANSITIONS
from reporting.exports.schedules import scheduled_exports_run
from reporting.models import ScheduledExport
from reporting.tasks import reporting_scheduled_exports_task
from tests.milestones.factories import make_tracked_application
from tests.support import assert_error, refreshed, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_root(settings, tmp_path) -> Path:
    settings.EXPORTS_ROOT = str(tmp_path)
    return tmp_path


def test_the_command_writes_a_file_with_a_progress_bar(tenant_a, tmp_path, settings):
    settings.EXPORTS_BATCH_ROWS = 2
    for _ in range(3):
        make_tracked_application(tenant=tenant_a)
    out, err = tmp_path / "t.csv", io.StringIO()
    call_command("reporting_export", "transitions", tenant="acme", output=str(out), stderr=err)
    lines = list(csv.DictReader(out.open()))
    assert len(lines) == 3 and list(lines[0]) == TRANSITIONS.column_names
    assert "3/3 rows" in err.getvalue() and "[" in err.getvalue()


def test_the_command_writes_parquet_and_refuses_bad_arguments(tenant_a, tmp_path):
    make_tracked_application(tenant=tenant_a)
    out = tmp_path / "s.parquet"
    call_command(
        "reporting_export",
        "stays",
        tenant="acme",
        format="parquet",
        output=str(out),
        no_progress=True,
        stderr=io.StringIO(),
    )
    assert pq.read_table(out).column_names == STAYS.column_names
    with pytest.raises(CommandError, match="no dataset"):
        call_command("reporting_export", "salaries", tenant="acme")
    with pytest.raises(CommandError, match="no tenant"):
        call_command("reporting_export", "stays", tenant="nobody")
    with pytest.raises(CommandError, match="offset"):
        call_command("reporting_export", "stays", tenant="acme", since="yesterday")


def _schedule(api, **body):
    body = {
        "name": "Nightly",
        "dataset": "transitions",
        "format": "csv",
        "frequency": "daily",
        "directory": "warehouse",
        **body,
    }
    return api.post(reverse("scheduled_exports-list"), body, format="json")


def test_a_schedule_writes_its_slot_file_once_however_often_it_runs(api_a, tenant_a, export_root):
    make_tracked_application(tenant=tenant_a)
    slot = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    created = _schedule(api_a, next_run_at=slot.isoformat())
    assert created.status_code == 201, created.content
    schedule_id = created.json()["id"]

    assert scheduled_exports_run().ran == 1
    files = list((export_root / "acme" / "warehouse").iterdir())
    assert [f.name for f in files] == [f"transitions-{slot:%Y%m%dT%H%M}Z.csv"]
    assert reporting_scheduled_exports_task() == {"ran": 0, "failed": 0}  # not due again
    [schedule] = rows(ScheduledExport, pk=schedule_id)
    assert schedule.next_run_at == slot + timedelta(days=1)
    assert schedule.last_rows == 1 and schedule.last_error == ""
    assert schedule.last_file == str(files[0])

    body = api_a.get(reverse("scheduled_exports-detail", args=[schedule_id])).json()
    assert body["last_rows"] == 1


def test_missed_slots_are_not_run_one_by_one(api_a, tenant_a, export_root):
    slot = timezone.now() - timedelta(hours=5, minutes=30)
    _schedule(api_a, frequency="hourly", format="parquet", next_run_at=slot.isoformat())
    assert scheduled_exports_run().ran == 1
    [schedule] = rows(ScheduledExport)
    assert timezone.now() < schedule.next_run_at <= timezone.now() + timedelta(hours=1)
    [file] = (export_root / "acme" / "warehouse").iterdir()
    assert file.suffix == ".parquet"


def test_an_inactive_schedule_does_not_run(api_a, export_root):
    _schedule(api_a, is_active=False, next_run_at=timezone.now().isoformat())
    assert scheduled_exports_run().ran == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dataset": "salaries"}, "dataset"),
        ({"directory": "../other-tenant"}, "directory"),
        ({"directory": "/etc"}, "directory"),
        ({"format": "xlsx"}, "format"),
        ({"frequency": "sometimes"}, "frequency"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_schedule_answers_400_naming_the_field(api_a, body, field):
    assert_error(_schedule(api_a, **body), 400, field=field)


def test_a_schedule_can_be_paused(api_a):
    schedule_id = _schedule(api_a).json()["id"]
    response = api_a.patch(
        reverse("scheduled_exports-detail", args=[schedule_id]),
        {"is_active": False},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert refreshed(rows(ScheduledExport, pk=schedule_id)[0]).is_active is False


def test_the_admin_form_refuses_a_folder_outside_the_tenants_directory():
    from reporting.exports.admin import ScheduledExportForm

    form = ScheduledExportForm(
        data={
            "name": "x",
            "dataset": "stays",
            "format": "csv",
            "frequency": "daily",
            "directory": "../../etc",
            "next_run_at": "2026-12-01 00:00",
        }
    )
    assert not form.is_valid() and "directory" in form.errors
