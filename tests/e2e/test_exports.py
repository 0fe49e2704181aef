"""An export in a real browser: the Exports page, a CSV and a Parquet download that open
with the documented columns (the Parquet read back with pyarrow)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from playwright.sync_api import Page, expect

from milestones.services.transitions.moves import application_transition
from reporting.exports.datasets import STAYS, TRANSITIONS
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.e2e.support import nav_link, sign_in
from tests.milestones.factories import make_tracked_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(tenant_a):
    factories.make_membership(
        tenant=tenant_a, user=factories.make_user(username="hanna"), role=Role.HRBP
    )
    for _ in range(3):
        application = make_tracked_application(tenant=tenant_a)
        with tenant_context(tenant_a):
            application_transition(
                application_id=application.pk, action="advance", expected_version=None
            )


DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports.md"


def _documented_columns(dataset: str) -> list[str]:
    """The column names of the first table under a dataset's heading in docs/exports.md."""
    section = DOCS.read_text().split(f"### `{dataset}`:", 1)[1]
    table = section[section.index("\n|") :].split("\n\n", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE)


def _download(page: Page, dataset: str, fmt: str):
    page.goto("/exports/")
    page.get_by_label("Dataset").select_option(dataset)
    page.get_by_label("Format").select_option(fmt)
    page.get_by_role("button", name="Prepare download").click()
    with page.expect_download() as info:
        page.get_by_test_id("export-download").click()
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def test_an_export_downloads_and_opens_as_csv_and_parquet(page: Page, history):
    sign_in(page, "hanna")
    nav_link(page, "Exports").click()
    expect(page).to_have_url(re.compile(r"/exports/$"))
    expect(page.get_by_test_id("columns-transitions")).to_contain_text("to_milestone_name")

    name, data = _download(page, "transitions", "csv")
    assert name.startswith("transitions-") and name.endswith(".csv")
    lines = list(csv.DictReader(io.StringIO(data.decode())))
    assert list(lines[0]) == TRANSITIONS.column_names == _documented_columns("transitions")
    assert sorted(line["kind"] for line in lines) == ["advance"] * 3 + ["initialize"] * 3
    assert {line["to_milestone_name"] for line in lines} == {"Applied", "Screen"}

    name, data = _download(page, "stays", "parquet")
    assert name.endswith(".parquet")
    table = pq.read_table(io.BytesIO(data))
    assert table.column_names == STAYS.column_names == _documented_columns("stays")
    assert table.num_rows == 6
    assert sorted(table.column("ended").to_pylist()) == [
        "",
        "",
        "",
        "advanced",
        "advanced",
        "advanced",
    ]
